"""Commands reach the domain typed, and the records they leave are value objects stored as the same maps."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from chalicelib.adapters.complaints import complaint_from_item
from chalicelib.adapters.dynamo import plain
from chalicelib.api import models
from chalicelib.domain.commands import (
    COMMANDS, Approve, Assign, CloseUnsubstantiated, Command, Contact, Escalate, NotifyCustomer, ProposeHandling,
    RecordQcResult, RecordSatisfaction, SubmitFeedbackForm,
)
from chalicelib.domain.intake import RecordComplaint, open_complaint
from chalicelib.domain.model import (
    Actor, Category, Channel, Customer, CustomerType, Handling, HandlingType, Product, Role, StaffMember, Status,
)
from chalicelib.domain.routing import Route
from chalicelib.domain.workflow import TRANSITIONS, Context, perform

NOW = datetime(2026, 11, 24, 2, 0, 0, 123456, tzinfo=timezone.utc)
SALES = StaffMember("sales_cs", "李明", frozenset({Role.SALES}), territories=["HN-CS"])


def as_(username: str, role: Role) -> Context:
    return Context(actor=Actor(username, frozenset({role})), now=NOW, assignee=SALES)


def complaint_in(status: Status):
    command = RecordComplaint(channel=Channel.HOTLINE, category=Category.COUNT_SHORTAGE, description="整箱少了两包",
                              customer=Customer(name="刘店长", phone="+8613907310000", type=CustomerType.RETAILER),
                              product=Product(sku="V2047", production_date=date(2026, 11, 1)))
    c = open_complaint(command, "C-20261124-AAAAAA", "h", Route("HN-CS", "sales_cs"), "service1", NOW)
    c.status = status
    c.version = 1
    return c


def test_perform_refuses_the_dict_of_a_request():
    with pytest.raises(TypeError):
        perform(complaint_in(Status.ASSIGNED), {"action": "contact", "note": "已联系"}, as_("sales_cs", Role.SALES))


def test_every_command_names_a_transition_and_every_transition_has_its_command():
    assert set(COMMANDS) == set(TRANSITIONS)
    assert all(kind.action == name and issubclass(kind, Command) for name, kind in COMMANDS.items())


def test_a_command_cannot_be_changed_once_made():
    command = Contact(note="已联系")
    with pytest.raises(dataclasses.FrozenInstanceError):
        command.note = "别的"  # type: ignore[misc]


@pytest.mark.parametrize("model", models.ACTION_MODELS, ids=lambda m: m.__name__)
def test_every_action_body_has_the_fields_of_its_command(model):
    kind = COMMANDS[model.model_fields["action"].annotation.__args__[0]]
    assert set(model.model_fields) - {"action"} == {f.name for f in dataclasses.fields(kind)}


def test_a_parsed_action_becomes_its_typed_command():
    body = '{"action": "propose_handling", "type": "compensation", "amount": 45.5, "note": "赔偿一箱"}'
    command = models.parse_action(body, "zh").to_command()
    assert command == ProposeHandling(type=HandlingType.COMPENSATION, amount=Decimal("45.50"), note="赔偿一箱")
    assert command.type is HandlingType.COMPENSATION


def test_a_handling_proposed_by_hand_means_what_a_parsed_one_means():
    command = ProposeHandling(type="compensation", amount="45.5")  # type: ignore[arg-type]
    assert command.type is HandlingType.COMPENSATION and command.amount == Decimal("45.50")
    assert RecordSatisfaction(rating="4").rating == 4  # type: ignore[arg-type]


def test_a_retailers_compensation_becomes_a_handling_that_names_why_it_needs_approval():
    c = complaint_in(Status.QC_DONE)
    perform(c, ProposeHandling(type=HandlingType.COMPENSATION, amount=Decimal("10")), as_("sales_cs", Role.SALES))
    assert c.status is Status.PENDING_APPROVAL
    assert c.handling == Handling(type=HandlingType.COMPENSATION, amount=Decimal("10.00"), proposed_by="sales_cs",
                                  at=NOW, approval_reasons=("retailer_compensation",))


def walked():
    """A complaint through every record: feedback form, QC result, handling, approval, notice, callback."""
    c = complaint_in(Status.ASSIGNED)
    steps = [
        ("sales_cs", Role.SALES, Contact(note="已联系")),
        ("sales_cs", Role.SALES, SubmitFeedbackForm(investigation="确认少两包", sample_provided=True,
                                                    certificate_provided=False, customer_request="补偿")),
        ("quality1", Role.QUALITY, RecordQcResult(investigation_result="装箱漏检", cause_analysis="未执行检查",
                                                  responsible_department="生产车间", corrective_actions="逐箱检查",
                                                  preventive_actions="培训", company_at_fault=True)),
        ("sales_cs", Role.SALES, ProposeHandling(type=HandlingType.COMPENSATION, amount=Decimal("45.5"))),
        ("leader1", Role.LEADER, Approve(note="同意")),
        ("sales_cs", Role.SALES, NotifyCustomer(via="visit")),
        ("service1", Role.SERVICE, RecordSatisfaction(rating=4, comment="满意")),
        ("service1", Role.SERVICE, Escalate(note="再次来电")),
    ]
    for username, role, command in steps:
        perform(c, command, as_(username, role))
    return c


def test_the_records_are_stored_as_the_maps_they_always_were():
    item = plain(walked())
    at = "2026-11-24T02:00:00.123+00:00"
    assert item["feedback_form"] == {"investigation": "确认少两包", "sample_provided": True,
                                     "certificate_provided": False, "customer_request": "补偿", "by": "sales_cs",
                                     "at": at}
    assert item["qc_result"] == {"investigation_result": "装箱漏检", "cause_analysis": "未执行检查",
                                 "responsible_department": "生产车间", "corrective_actions": "逐箱检查",
                                 "preventive_actions": "培训", "company_at_fault": True, "by": "quality1", "at": at}
    assert item["handling"] == {"type": "compensation", "amount": Decimal("45.50"), "proposed_by": "sales_cs",
                                "at": at, "approval_reasons": ["retailer_compensation"]}
    assert item["approval"] == {"approved": True, "by": "leader1", "at": at, "note": "同意"}
    assert item["customer_notified"] == {"at": at, "by": "sales_cs", "via": "visit"}
    assert item["satisfaction"] == {"rating": 4, "comment": "满意", "by": "service1", "at": at}
    assert item["callbacks"] == [item["satisfaction"]]
    assert item["last_escalation"] == {"by": "service1", "note": "再次来电", "at": NOW.isoformat()}


def test_an_unsubstantiated_complaint_keeps_its_explanation_in_the_stored_maps():
    c = complaint_in(Status.INVESTIGATING)
    perform(c, CloseUnsubstantiated(explanation="属正常现象"), as_("sales_cs", Role.SALES))
    item = plain(c)
    assert item["handling"] == {"type": "explanation", "note": "属正常现象", "substantiated": False,
                                "proposed_by": "sales_cs", "at": "2026-11-24T02:00:00.123+00:00"}
    assert item["customer_notified"] == {"at": "2026-11-24T02:00:00.123+00:00", "by": "sales_cs", "via": "phone",
                                         "explanation": "属正常现象"}


def test_a_stored_complaint_reads_back_as_the_same_value_objects_and_writes_the_same_item():
    item = plain(walked())
    again = complaint_from_item(item)
    assert plain(again) == item
    assert again.handling.type is HandlingType.COMPENSATION and again.handling.approval_reasons == (
        "retailer_compensation",)
    assert again.satisfaction.rating == 4 and again.callbacks == [again.satisfaction]
    assert again.qc_result.at == NOW.replace(microsecond=123000)


def test_an_assignment_reads_the_assignee_from_its_command():
    c = complaint_in(Status.RECEIVED)
    c.assignee = None
    perform(c, Assign(assignee="sales_cs"), as_("service1", Role.SERVICE))
    assert c.assignee == "sales_cs" and c.status is Status.ASSIGNED
