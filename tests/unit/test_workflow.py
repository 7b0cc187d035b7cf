"""Every (status, command, role) against the state machine, and the rules of each command."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from chalicelib.domain.commands import (
    AddNote, Approve, Assign, Close, CloseUnsubstantiated, Contact, Decline, Escalate, Merge, NotDuplicate,
    NotifyCustomer, ProposeHandling, RecordQcResult, RecordSatisfaction, Reopen, ResendReceipt, SetSeverity,
    SubmitFeedbackForm,
)
from chalicelib.domain.access import issue_code
from chalicelib.domain.errors import AlreadyDone, InvalidTransition, NotAllowed, RuleViolation
from chalicelib.domain.intake import RecordComplaint, open_complaint
from chalicelib.domain.model import (
    Actor, Category, Channel, Clock, Customer, CustomerType, Handling, HandlingType, NotificationEvent, Notify,
    Product, QcResult, Role, Schedule, Severity, StaffMember, Status,
)
from chalicelib.domain.routing import Route
from chalicelib.domain.workflow import TRANSITIONS, Context, perform

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)
SALES = StaffMember("sales_cs", "李明", frozenset({Role.SALES}), territories=["HN-CS"])
ACTORS = {role: Actor(f"{role}1", frozenset({role})) for role in Role}
ACTORS[Role.SALES] = Actor("sales_cs", frozenset({Role.SALES}))
VALID = {command.action: command for command in (
    Assign(assignee="sales_cs"), Contact(note="已电话联系"), CloseUnsubstantiated(explanation="属正常现象"),
    SubmitFeedbackForm(investigation="确认少两包", sample_provided=True, certificate_provided=True,
                       customer_request="补偿一箱"),
    RecordQcResult(investigation_result="实习生装箱", cause_analysis="未执行检查", responsible_department="生产车间",
                   corrective_actions="逐箱检查", preventive_actions="培训", company_at_fault=True),
    ProposeHandling(type=HandlingType.EXCHANGE, note="补发一箱"), Approve(note="同意"), Decline(note="金额过高"),
    NotifyCustomer(via="phone", note="已告知"), RecordSatisfaction(rating=5, comment="满意"), Close(note="结案"),
    Reopen(reason="顾客不满意"), Escalate(note="顾客情绪激动"), ResendReceipt(), AddNote(note="顾客又来电催问"),
    Merge(into="C-20090601-BBBBBB", note="同一件事"), NotDuplicate(note="两件不同的事"),
    SetSeverity(severity="major", reason="连锁超市大客户"),
)}
EARLIER = "C-20090601-BBBBBB"  # an open complaint each one in these tests may be a duplicate of
# What the contract allows: action -> (roles, statuses it starts from, status it ends in or None if unchanged)
CONTRACT = {
    "assign": ({"service", "manager", "admin"}, {"received", "assigned", "investigating"}, "assigned"),
    "contact": ({"sales", "admin"}, {"assigned"}, "investigating"),
    "close_unsubstantiated": ({"sales", "admin"}, {"investigating"}, "customer_notified"),
    "submit_feedback_form": ({"sales", "admin"}, {"investigating"}, "qc_pending"),
    "record_qc_result": ({"quality", "admin"}, {"qc_pending"}, "qc_done"),
    "propose_handling": ({"sales", "admin"}, {"qc_done"}, "handling_agreed"),
    "approve": ({"leader", "admin"}, {"pending_approval"}, "handling_agreed"),
    "decline": ({"leader", "admin"}, {"pending_approval"}, "qc_done"),
    "notify_customer": ({"sales", "admin"}, {"handling_agreed"}, "customer_notified"),
    "record_satisfaction": ({"sales", "service", "admin"}, {"customer_notified"}, "followed_up"),
    "close": ({"service", "manager", "admin"}, {"customer_notified", "followed_up"}, "closed"),
    "reopen": ({"service", "manager", "admin"}, {"customer_notified", "followed_up", "closed"}, "investigating"),
    "escalate": ({r.value for r in Role}, {s.value for s in Status} - {"closed"}, None),
    "resend_receipt": ({"service", "manager", "admin"}, {s.value for s in Status}, None),
    "note": ({r.value for r in Role}, {s.value for s in Status} - {"closed"}, None),
    "merge": ({"service", "manager", "admin"}, {s.value for s in Status} - {"closed"}, "closed"),
    "not_duplicate": ({"service", "manager", "admin"}, {s.value for s in Status} - {"closed"}, None),
    "set_severity": ({"service", "manager", "admin"}, {s.value for s in Status} - {"closed"}, None),
}


def qc_result(company_at_fault: bool) -> QcResult:
    return QcResult(investigation_result="-", cause_analysis="-", responsible_department="生产车间",
                    corrective_actions="-", preventive_actions="-", company_at_fault=company_at_fault,
                    by="quality1", at=NOW)


def complaint_in(status: Status, customer_type=CustomerType.CONSUMER):
    command = RecordComplaint(channel=Channel.HOTLINE, category=Category.COUNT_SHORTAGE, description="整箱少了两包",
                              customer=Customer(name="刘店长", phone="+8613907310000", type=customer_type),
                              product=Product(sku="V2047", production_date=date(2009, 6, 1)))
    c = open_complaint(command, "C-20090610-AAAAAA", "h", Route("HN-CS", "sales_cs"), "service1", NOW)
    c.status = status
    if status in (Status.QC_DONE, Status.PENDING_APPROVAL, Status.HANDLING_AGREED):
        c.qc_result = qc_result(company_at_fault=True)
    if status in (Status.PENDING_APPROVAL, Status.HANDLING_AGREED):
        c.handling = Handling(type=HandlingType.COMPENSATION, amount=Decimal("300.00"), proposed_by="sales_cs",
                              at=NOW, approval_reasons=("over_limit",))
    c.possible_duplicate_of = [EARLIER]
    c.new_history.clear()
    c.effects.clear()
    return c


def earlier_open_complaint():
    c = complaint_in(Status.INVESTIGATING)
    c.id, c.possible_duplicate_of = EARLIER, ["C-20090610-AAAAAA"]
    return c


def ctx(role: Role, assignee=SALES, now=NOW) -> Context:
    return Context(actor=ACTORS[role], now=now, assignee=assignee, new_code=issue_code("k" * 32, "C-20090610-AAAAAA"),
                   reachable=True, survivor=earlier_open_complaint())


def test_the_table_is_the_contract():
    assert set(TRANSITIONS) == set(CONTRACT) == set(VALID)


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", sorted(CONTRACT))
@pytest.mark.parametrize("role", list(Role))
def test_every_status_action_and_role(status, action, role):
    roles, sources, target = CONTRACT[action]
    complaint = complaint_in(status)
    if action == "assign":
        complaint.assignee = "sales_wh"  # assigning to the current assignee changes nothing (409)
    before = complaint.status
    if role.value not in roles:
        with pytest.raises(NotAllowed):
            perform(complaint, VALID[action], ctx(role))
    elif status.value not in sources:
        with pytest.raises(InvalidTransition):
            perform(complaint, VALID[action], ctx(role))
    else:
        perform(complaint, VALID[action], ctx(role))
        assert complaint.status == (target or before)
        assert complaint.new_history[-1].action == action


def test_an_invalid_transition_says_what_is_allowed_now():
    with pytest.raises(InvalidTransition) as refused:
        perform(complaint_in(Status.ASSIGNED), NotifyCustomer(via="phone"), ctx(Role.SALES))
    assert "contact" in refused.value.allowed and "notify_customer" not in refused.value.allowed


def test_a_salesperson_cannot_act_on_a_complaint_assigned_to_someone_else():
    complaint = complaint_in(Status.ASSIGNED)
    complaint.assignee = "sales_wh"
    with pytest.raises(NotAllowed):
        perform(complaint, Contact(note="x"), ctx(Role.SALES))
    with pytest.raises(NotAllowed):
        perform(complaint, Escalate(note="x"), ctx(Role.SALES))


def test_assigning_to_someone_who_is_not_a_salesperson_is_refused():
    quality = StaffMember("quality1", "赵工", frozenset({Role.QUALITY}))
    with pytest.raises(RuleViolation) as refused:
        perform(complaint_in(Status.RECEIVED), Assign(assignee="quality1"), ctx(Role.SERVICE, quality))
    assert refused.value.field == "assignee"


def propose(status_customer=CustomerType.CONSUMER, limit=Decimal("200.00"), **handling):
    complaint = complaint_in(Status.QC_DONE, status_customer)
    assignee = StaffMember("sales_cs", "李明", frozenset({Role.SALES}), compensation_limit=limit)
    perform(complaint, ProposeHandling(**handling), ctx(Role.SALES, assignee))
    return complaint


@pytest.mark.parametrize("handling, customer, limit, needs_approval", [
    ({"type": "compensation", "amount": "200.00"}, CustomerType.CONSUMER, "200.00", False),
    ({"type": "compensation", "amount": "200.01"}, CustomerType.CONSUMER, "200.00", True),
    ({"type": "compensation", "amount": "450.00"}, CustomerType.CONSUMER, "500.00", False),
    ({"type": "compensation", "amount": "10.00"}, CustomerType.RETAILER, "200.00", True),
    ({"type": "return"}, CustomerType.DISTRIBUTOR, "200.00", True),
    ({"type": "exchange"}, CustomerType.RETAILER, "200.00", False),
    ({"type": "rework", "amount": "100.00"}, CustomerType.DISTRIBUTOR, "200.00", False),
])
def test_approval_is_needed_above_the_salespersons_own_limit_for_retailers_and_for_returns(
        handling, customer, limit, needs_approval):
    complaint = propose(customer, Decimal(limit), **handling)
    expected = Status.PENDING_APPROVAL if needs_approval else Status.HANDLING_AGREED
    assert complaint.status is expected
    asked = [e for e in complaint.effects if isinstance(e, Notify) and e.event is NotificationEvent.APPROVAL_REQUESTED]
    assert [e.role for e in asked] == ([Role.LEADER] if needs_approval else [])


def test_a_return_is_refused_with_the_reason_when_the_company_is_not_at_fault():
    complaint = complaint_in(Status.QC_DONE)
    complaint.qc_result = qc_result(company_at_fault=False)
    with pytest.raises(RuleViolation) as refused:
        perform(complaint, ProposeHandling(type=HandlingType.RETURN), ctx(Role.SALES))
    assert refused.value.field == "type"
    assert complaint.status is Status.QC_DONE


def test_the_feedback_form_asks_quality_and_pauses_the_resolution_clock():
    complaint = complaint_in(Status.ASSIGNED)
    perform(complaint, Contact(note="已联系"), ctx(Role.SALES))
    perform(complaint, VALID["submit_feedback_form"], ctx(Role.SALES, now=NOW + timedelta(days=2)))
    resolution = complaint.deadlines[Clock.RESOLUTION]
    assert resolution.due_at is None and resolution.remaining_seconds == 5 * 9 * 3600  # five business days left
    assert any(isinstance(e, Notify) and e.role is Role.QUALITY and e.event is NotificationEvent.QC_REQUESTED
               for e in complaint.effects)
    perform(complaint, VALID["record_qc_result"], ctx(Role.QUALITY, now=NOW + timedelta(days=12)))  # a Sunday
    assert complaint.deadlines[Clock.RESOLUTION].due_at == datetime(2026, 12, 11, 10, 0, tzinfo=timezone.utc)


def test_contact_stops_the_first_contact_clock():
    complaint = complaint_in(Status.ASSIGNED)
    perform(complaint, Contact(note="已联系"), ctx(Role.SALES))
    assert not complaint.deadlines[Clock.FIRST_CONTACT].running


def test_telling_the_customer_schedules_the_callback_in_business_hours():
    complaint = complaint_in(Status.HANDLING_AGREED)
    perform(complaint, NotifyCustomer(via="phone"), ctx(Role.SALES))
    callback = complaint.deadlines[Clock.CALLBACK]
    shanghai = callback.due_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    assert 9 <= shanghai.hour < 18 and shanghai.weekday() < 5
    assert callback.due_at >= NOW + timedelta(days=3)


@pytest.mark.parametrize("rating, manager_told", [(1, True), (2, True), (3, False), (5, False)])
def test_a_low_satisfaction_rating_tells_the_manager(rating, manager_told):
    complaint = complaint_in(Status.CUSTOMER_NOTIFIED)
    perform(complaint, RecordSatisfaction(rating=rating, comment="x"), ctx(Role.SERVICE))
    told = [e for e in complaint.effects if isinstance(e, Notify) and e.role is Role.MANAGER]
    assert bool(told) is manager_told
    assert complaint.satisfaction.rating == rating and complaint.callbacks == [complaint.satisfaction]


def test_escalation_flags_and_tells_the_manager_without_changing_status():
    complaint = complaint_in(Status.QC_PENDING)
    perform(complaint, Escalate(note="顾客要找媒体"), ctx(Role.QUALITY))
    assert complaint.escalated and complaint.status is Status.QC_PENDING
    assert any(isinstance(e, Notify) and e.event is NotificationEvent.ESCALATED for e in complaint.effects)


# --- set_severity ---------------------------------------------------------------------------------------


def test_raising_the_severity_to_critical_rescales_the_clock_and_escalates_to_the_manager():
    # GIVEN a normal complaint recorded Tuesday 10:00, its first contact due Wednesday 10:00
    complaint = complaint_in(Status.ASSIGNED)
    # WHEN service finds out an hour later that the child cut a hand on it
    perform(complaint, SetSeverity(severity="critical", reason="孩子手被划伤"),
            ctx(Role.SERVICE, now=NOW + timedelta(hours=1)))
    # THEN the first contact is due two wall-clock hours after it was recorded
    first_contact = complaint.deadlines[Clock.FIRST_CONTACT]
    assert complaint.severity is Severity.CRITICAL and first_contact.due_at == NOW + timedelta(hours=2)
    assert Schedule(Clock.FIRST_CONTACT, NOW + timedelta(hours=1, minutes=30)) in complaint.effects
    # AND the manager hears of it as of a critical complaint on intake
    assert complaint.escalated
    [escalation] = [e for e in complaint.effects if isinstance(e, Notify)]
    assert (escalation.event, escalation.role) == (NotificationEvent.ESCALATED, Role.MANAGER)
    assert "孩子手被划伤" in escalation.text and "+8613907310000" not in escalation.text
    [changed, escalated] = complaint.new_history
    assert (changed.action, changed.to_status) == ("set_severity", Status.ASSIGNED)  # the status is unchanged
    assert changed.data == {"from_severity": "normal", "to_severity": "critical", "reason": "孩子手被划伤"}
    assert escalated.action == "escalate"


def test_raising_the_severity_to_major_tells_the_manager_once_without_escalating():
    complaint = complaint_in(Status.ASSIGNED)
    perform(complaint, SetSeverity(severity="major", reason="连锁超市大客户"), ctx(Role.MANAGER))
    assert not complaint.escalated
    assert [(e.event, e.role) for e in complaint.effects if isinstance(e, Notify)] == [
        (NotificationEvent.MAJOR_RECEIVED, Role.MANAGER)]
    assert complaint.deadlines[Clock.FIRST_CONTACT].due_at == NOW + timedelta(hours=4)  # 4 business hours


def test_lowering_the_severity_gives_the_clock_its_longer_duration_and_tells_nobody():
    complaint = complaint_in(Status.ASSIGNED)
    perform(complaint, SetSeverity(severity="major", reason="连锁超市大客户"), ctx(Role.SERVICE))
    complaint.effects.clear()
    perform(complaint, SetSeverity(severity="normal", reason="不是大客户"), ctx(Role.SERVICE))
    assert complaint.deadlines[Clock.FIRST_CONTACT].due_at == NOW + timedelta(days=1)  # 9 business hours
    assert not [e for e in complaint.effects if isinstance(e, Notify)]


def test_the_same_severity_again_is_already_done():
    complaint = complaint_in(Status.INVESTIGATING)
    with pytest.raises(AlreadyDone):
        perform(complaint, SetSeverity(severity="normal", reason="再确认"), ctx(Role.SERVICE))
    assert complaint.new_history == [] and complaint.effects == []


def test_the_salesperson_hears_when_quality_has_tested_and_when_the_leader_decided():
    tested = complaint_in(Status.QC_PENDING)
    perform(tested, VALID["record_qc_result"], ctx(Role.QUALITY))
    [note] = [e for e in tested.effects if isinstance(e, Notify)]
    assert (note.event, note.recipient) == (NotificationEvent.QC_DONE, "sales_cs") and "我方责任" in note.text
    for action, words in (("approve", "已批准"), ("decline", "未获批准")):
        decided = complaint_in(Status.PENDING_APPROVAL)
        perform(decided, VALID[action], ctx(Role.LEADER))
        [note] = [e for e in decided.effects if isinstance(e, Notify)]
        assert (note.event, note.recipient) == (NotificationEvent.APPROVAL_DECIDED, "sales_cs") and words in note.text
