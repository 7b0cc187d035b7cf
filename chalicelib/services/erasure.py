"""Erasing a complainant's personal data (admin): the complaint, its other items, its photos, export files.

What the complaint keeps and loses is the domain's rule (`domain/erasure.py`). Here the copies
go too: every version of the photos (the bucket is versioned, so a plain delete would leave
them restorable for 30 days), the history and outbox items of the complaint, and the stored
export files, any of which may hold the complaint's row. Which export files hold it is not
recorded, so every one stored up to the erasure goes (they live at most a day and their
links 15 minutes). The answer is the staff view plus `removed`: what this call deleted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from chalicelib.adapters.dynamo import parse_required_time
from chalicelib.domain.erasure import Redactor, erase_personal_data
from chalicelib.domain.errors import ConcurrentChange
from chalicelib.domain.model import Actor, Complaint
from chalicelib.services.admin import require_admin
from chalicelib.services.views import staff_view
from chalicelib.services.workflow import load
from chalicelib.wiring import Adapters

ERASE_ATTEMPTS = 3
# an export that read the complaint just before the erasure was saved stores its file within the
# 29 seconds API Gateway gives a request: files stored up to then may hold the data
EXPORT_IN_FLIGHT = timedelta(seconds=30)


class ExportFiles(Protocol):
    def delete_stored(self, before: datetime) -> int: ...


@dataclass
class Removed:
    """What one erasure call deleted (a repeated call: only export files stored in the meantime)."""

    fields: int = 0
    items_rewritten: int = 0
    photos: int = 0
    photo_versions: int = 0
    export_files: int = 0
    customer_messages: int = 0  # not yet sent, withdrawn


def erase(
    complaint_id: str, reason: str | None, actor: Actor, a: Adapters, exports: ExportFiles, now: datetime
) -> dict[str, Any]:
    """Erase the complainant's personal data from the complaint and its copies; erasing again changes nothing.

    Photos are deleted, the customer's messages not yet sent are withdrawn (their texts hold the
    access code, their address the phone) and the other items of the complaint (history, outbox
    texts, the addresses of sent messages) are cleaned first, while the data to look for is still
    known; the complaint itself is saved with the version it was read at, so a concurrent change
    means: read, clean and save again. Export files go last, so none made before the save is left.
    Calling again after a failure part-way finishes the job.

    Returns
    -------
    The staff view of the complaint with `removed`: counts of the fields blanked, items
    rewritten, photos and photo versions deleted and export files deleted by this call.
    """
    require_admin(actor)
    removed = Removed()
    for attempt in range(1, ERASE_ATTEMPTS + 1):
        try:
            complaint = _erase_once(complaint_id, reason, actor, a, now, removed)
            break
        except ConcurrentChange:
            if attempt == ERASE_ATTEMPTS:
                raise
    removed.export_files = exports.delete_stored(before=_erased_at(complaint) + EXPORT_IN_FLIGHT)
    return {**staff_view(complaint, actor, a), "removed": asdict(removed)}


def _erase_once(
    complaint_id: str, reason: str | None, actor: Actor, a: Adapters, now: datetime, removed: Removed
) -> Complaint:
    complaint = load(complaint_id, a)
    if complaint.erased:
        return complaint
    for key in complaint.photos:
        versions = a.photos.delete_every_version(key)
        removed.photos += 1 if versions else 0
        removed.photo_versions += versions
    removed.customer_messages += a.outbox.withdraw_customer_messages(complaint.id, now)
    removed.items_rewritten += a.complaints.redact_partition(complaint.id, Redactor(complaint.customer))
    erase_personal_data(complaint, actor.username, now, reason)
    a.complaints.save(complaint, [], now)
    removed.fields = len(_erasure(complaint)["fields"])
    return complaint


def _erasure(complaint: Complaint) -> dict[str, Any]:
    """The erasure record of a complaint `_erase_once` erased (now or before): it has one."""
    assert complaint.erased is not None, f"complaint {complaint.id} is not erased"
    return complaint.erased


def _erased_at(complaint: Complaint) -> datetime:
    at = _erasure(complaint)["at"]
    return parse_required_time(at) if isinstance(at, str) else at
