"""PhotoStore: sample photos in the private S3 bucket.

Browsers upload straight to S3 with a presigned POST whose policy limits type and
size. Local S3 (moto) does not enforce such policies, so a photo is checked again
when a complaint attaches it: it must exist, fit the size limit and start with the
bytes of a JPEG, PNG or WebP image.

The bucket is versioned (old versions kept 30 days), so deleting a photo for good deletes
every version and delete marker of its key, by version id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.domain.errors import DomainError
from chalicelib.resources import PHOTO_MAX_BYTES

UPLOAD_PREFIX = "uploads/"
_DELETE_BATCH = 1000  # DeleteObjects takes at most this many keys
_SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}


def sniff_image_type(head: bytes) -> str | None:
    """The image type its first bytes say, or None when they are not an image we take."""
    for kind, signatures in _SIGNATURES.items():
        if head.startswith(signatures):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


class PhotoProblem(DomainError):
    """An uploaded object that cannot be attached; the message says why (intake names the field)."""


class VersionsLeft(Exception):
    """S3 refused to delete some object versions; the message says how many (never which keys)."""


class PhotoStore:
    def __init__(self, client: Any, bucket: str):
        self._client = client
        self._bucket = bucket

    def presign_upload(self, upload_id: str, content_type: str, expires_in: int = 900) -> dict[str, Any]:
        return self._client.generate_presigned_post(
            Bucket=self._bucket,
            Key=UPLOAD_PREFIX + upload_id,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, PHOTO_MAX_BYTES]],
            ExpiresIn=expires_in,
        )

    def check(self, upload_id: str) -> str:
        """The object key of a valid uploaded photo; raises PhotoProblem otherwise."""
        key = UPLOAD_PREFIX + upload_id
        try:
            head = self._client.head_object(Bucket=self._bucket, Key=key)
        except self._client.exceptions.ClientError as error:
            if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
                raise PhotoProblem("not_uploaded") from error
            raise
        if head["ContentLength"] > PHOTO_MAX_BYTES:
            raise PhotoProblem("too_large")
        first = self._client.get_object(Bucket=self._bucket, Key=key, Range="bytes=0-15")["Body"].read()
        if sniff_image_type(first) is None:
            raise PhotoProblem("not_an_image")
        return key

    def view_url(self, key: str, expires_in: int = 900) -> str:
        return self._client.generate_presigned_url(
            "get_object", Params={"Bucket": self._bucket, "Key": key}, ExpiresIn=min(expires_in, 900)
        )

    def delete_every_version(self, key: str) -> int:
        """Delete the photo for good: every version and delete marker of `key`. Returns how many went."""
        return len(delete_versions(self._client, self._bucket, key, lambda entry: entry["Key"] == key))


def delete_versions(client: Any, bucket: str, prefix: str, wanted: Callable[[dict[str, Any]], bool]) -> list[str]:
    """Delete every object version and delete marker under `prefix` that `wanted` picks.

    Returns the key of each version deleted; raises VersionsLeft if S3 keeps any of them (the caller
    may simply try again).
    """
    doomed = []
    for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        for entry in page.get("Versions", []) + page.get("DeleteMarkers", []):
            if wanted(entry):
                doomed.append({"Key": entry["Key"], "VersionId": entry["VersionId"]})
    for start in range(0, len(doomed), _DELETE_BATCH):
        batch = doomed[start : start + _DELETE_BATCH]
        failed = client.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True}).get("Errors", [])
        if failed:
            raise VersionsLeft(f"{len(failed)} of {len(batch)} object versions were not deleted")
    return [entry["Key"] for entry in doomed]
