"""Acting on a complaint, against fakes: the state machine decides, the change is stored once."""
from __future__ import annotations

import pytest

from chalicelib.domain.commands import Assign, Contact, Escalate
from chalicelib.domain.deliveries import Notification
from chalicelib.domain.errors import AlreadyDone, ComplaintNotFound, IdempotencyKeyReused, InvalidTransition
from chalicelib.domain.model import Actor, Role
from chalicelib.idempotency import Retry
from chalicelib.services import workflow
from chalicelib.services.intake import Submission, submit
from tests.services.conftest import NOW, odor

SERVICE = Actor("service1", frozenset({Role.SERVICE}))
SALES_CS = Actor("sales_cs", frozenset({Role.SALES}))
SALES_WH = Actor("sales_wh", frozenset({Role.SALES}))


@pytest.fixture
def cid(fakes):
    return submit(Submission(odor(), [], "public", None), fakes, NOW)["complaint_id"]


def notified(fakes):
    return [d.recipient for d in (i.delivery for i in fakes.outbox.items.values()) if isinstance(d, Notification)]


def test_a_reassignment_moves_the_complaint_and_tells_the_new_salesperson(fakes, cid):
    record = workflow.act(cid, Assign("sales_wh"), SERVICE, fakes, NOW)
    assert record["assignee"] == "sales_wh" and record["status"] == "assigned"
    assert notified(fakes) == ["sales_cs", "sales_wh"]


def test_assigning_to_the_current_assignee_stores_and_sends_nothing(fakes, cid):
    writes = fakes.complaints.writes
    with pytest.raises(AlreadyDone):
        workflow.act(cid, Assign("sales_cs"), SERVICE, fakes, NOW)
    assert fakes.complaints.writes == writes and notified(fakes) == ["sales_cs"]


def test_an_action_resent_with_its_key_is_done_once_and_answers_the_record(fakes, cid):
    retry = Retry.of("k-1", "action#sales_cs", {"action": "contact"})
    first = workflow.act(cid, Contact("已联系"), SALES_CS, fakes, NOW, retry)
    again = workflow.act(cid, Contact("已联系"), SALES_CS, fakes, NOW, retry)
    assert again["version"] == first["version"] and again["status"] == "investigating"
    with pytest.raises(IdempotencyKeyReused):
        workflow.act(cid, Escalate("急"), SALES_CS, fakes, NOW, Retry.of("k-1", "action#sales_cs", {"x": 1}))


def test_without_a_key_a_repeated_status_change_is_refused(fakes, cid):
    workflow.act(cid, Contact("已联系"), SALES_CS, fakes, NOW)
    with pytest.raises(InvalidTransition):
        workflow.act(cid, Contact("已联系"), SALES_CS, fakes, NOW)


def test_another_salespersons_complaint_is_as_unknown_as_a_wrong_id(fakes, cid):
    with pytest.raises(ComplaintNotFound):
        workflow.act(cid, Contact("x"), SALES_WH, fakes, NOW)
    with pytest.raises(ComplaintNotFound):
        workflow.act("C-20260101-AAAAAA", Contact("x"), SALES_WH, fakes, NOW)
