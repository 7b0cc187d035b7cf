"""Recording a complaint, against fakes."""
from __future__ import annotations

import pytest

from chalicelib.domain.deliveries import Notification, TimerSync
from chalicelib.domain.errors import IdempotencyKeyReused, RuleViolation
from chalicelib.domain.model import Status
from chalicelib.idempotency import Retry
from chalicelib.services.intake import Submission, submit
from tests.services.conftest import NOW, odor


def submission(retry=None, upload_ids=()):
    return Submission(command=odor(), upload_ids=list(upload_ids), recorded_by="public", retry=retry)


def test_a_complaint_is_stored_once_routed_and_its_salesperson_notified(fakes):
    receipt = submit(submission(), fakes, NOW)
    stored = fakes.complaints.get(receipt["complaint_id"])
    assert (stored.status, stored.assignee) == (Status.ASSIGNED, "sales_cs")
    assert fakes.complaints.writes == 1
    pending = [i.delivery for i in fakes.outbox.items.values()]
    assert [d.recipient for d in pending if isinstance(d, Notification)] == ["sales_cs"]
    assert any(isinstance(d, TimerSync) for d in pending)


def test_a_retry_with_the_same_key_answers_the_first_receipt_and_stores_nothing_more(fakes):
    retry = Retry.of("form-1", "public", {"body": 1})
    first = submit(submission(retry), fakes, NOW)
    again = submit(submission(retry), fakes, NOW)
    assert again == first  # the access code too: derived from the key, never stored
    assert len(fakes.complaints.complaints) == 1


def test_the_same_key_with_another_body_is_refused(fakes):
    submit(submission(Retry.of("form-1", "public", {"body": 1})), fakes, NOW)
    with pytest.raises(IdempotencyKeyReused):
        submit(submission(Retry.of("form-1", "public", {"body": 2})), fakes, NOW)


def test_a_photo_not_uploaded_names_its_place_in_the_request(fakes):
    fakes.photos.uploaded.add("p1")
    with pytest.raises(RuleViolation) as refused:
        submit(submission(upload_ids=["p1", "missing"]), fakes, NOW)
    assert refused.value.field == "upload_ids.1"


def test_a_photo_attached_to_one_complaint_cannot_be_attached_to_another(fakes):
    fakes.photos.uploaded.add("p1")
    submit(submission(upload_ids=["p1"]), fakes, NOW)
    with pytest.raises(RuleViolation) as refused:
        submit(submission(upload_ids=["p1"]), fakes, NOW)
    assert (refused.value.field, str(refused.value)) == ("upload_ids.0", "photo_in_use")
