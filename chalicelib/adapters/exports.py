"""ExportStore: finished export files in the private bucket, handed out as short-lived links.

Files go under `exports/<day>/<random>/` so a key cannot be guessed; the bucket should expire
that prefix after a day (the files hold customers' names and phone numbers). An erasure deletes
the files stored before it, every version (the bucket is versioned), so their links answer 404.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from chalicelib.adapters.photos import delete_versions

EXPORT_PREFIX = "exports/"
MAX_LINK_SECONDS = 900


class ExportStore:
    def __init__(self, client: Any, bucket: str):
        self._client = client
        self._bucket = bucket

    def store(self, name: str, body: bytes, content_type: str, now: datetime) -> str:
        """Put one file; returns its key."""
        key = f"{EXPORT_PREFIX}{now:%Y-%m-%d}/{secrets.token_hex(16)}/{name}"
        self._client.put_object(
            Bucket=self._bucket, Key=key, Body=body, ContentType=content_type, ContentDisposition=_attachment(name)
        )
        return key

    def download_url(self, key: str, name: str, expires_in: int = MAX_LINK_SECONDS) -> str:
        """A presigned GET that downloads the file under `name`, valid at most 15 minutes."""
        return self._client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self._bucket, "Key": key, "ResponseContentDisposition": _attachment(name)},
            ExpiresIn=min(expires_in, MAX_LINK_SECONDS),
        )

    def delete_stored(self, before: datetime) -> int:
        """Delete for good every export file stored before `before`; returns how many files went."""
        older = delete_versions(self._client, self._bucket, EXPORT_PREFIX, lambda entry: entry["LastModified"] < before)
        return len(set(older))


def _attachment(name: str) -> str:
    return f'attachment; filename="{name}"'
