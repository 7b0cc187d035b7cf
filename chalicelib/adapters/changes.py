"""Reading the table's stream: which complaint changed, from what, to what (the outbox's inserts are
read by `outbox.new_outbox_keys`). The one place that knows the stream's record shape."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from chalicelib.adapters import keys
from chalicelib.adapters.complaints import complaint_from_item
from chalicelib.adapters.dynamo import from_item
from chalicelib.domain.model import Complaint


@dataclass(frozen=True)
class ComplaintChange:
    old: Complaint | None  # None: just recorded
    new: Complaint | None  # None: deleted

    @property
    def complaint_id(self) -> str:
        return self.new.id if self.new else self._deleted().id

    @property
    def version(self) -> int:
        return self.new.version if self.new else self._deleted().version + 1

    def _deleted(self) -> Complaint:
        """`old` when there is no `new`: `complaint_changes` makes no change without either."""
        assert self.old is not None, "a change with neither an old nor a new complaint"
        return self.old


def complaint_changes(records: Iterable[dict[str, Any]]) -> Iterator[ComplaintChange]:
    """The complaint (META) changes of a stream batch, in stream order; other items are skipped."""
    for record in records:
        body = record.get("dynamodb", {})
        key = body.get("Keys", {})
        if key.get("sk", {}).get("S") != keys.META or not key.get("pk", {}).get("S", "").startswith(keys.COMPLAINT):
            continue
        old, new = (_complaint(body.get(name)) for name in ("OldImage", "NewImage"))
        if old is not None or new is not None:
            yield ComplaintChange(old, new)


def _complaint(image: dict[str, Any] | None) -> Complaint | None:
    return complaint_from_item(from_item(image)) if image else None
