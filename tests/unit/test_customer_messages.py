"""What the complainant hears from us (domain/customer_messages.py, the survey clock, the receipt again):
who can be reached, the texts and their length, when the survey goes and when it does not."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from chalicelib.config import DEFAULT_SMS_SIGNATURE, LOCAL_DEFAULTS, MAX_BASE_URL, MAX_SIGNATURE
from chalicelib.domain import customer_messages as cm
from chalicelib.domain import deadlines
from chalicelib.domain.access import issue_code, new_link_token
from chalicelib.domain.calendar import StatutoryDays, WorkCalendar
from chalicelib.domain.commands import Close, NotifyCustomer, RecordSatisfaction, Reopen, ResendReceipt
from chalicelib.domain.errors import InvalidTransition, RuleViolation
from chalicelib.domain.intake import RecordComplaint, open_complaint
from chalicelib.domain.model import (
    Actor, Category, Channel, Clock, Customer, Handling, HandlingType, MessageKind, Product, Role, Severity, Status,
    TellCustomer,
)
from chalicelib.domain.routing import Route
from chalicelib.domain.workflow import Context, answer_survey, perform
from infra.local_stack import STAFF

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # a Tuesday, 10:00 in Shanghai
CID = "C-20261124-7KQ3XZ"
LOCAL = LOCAL_DEFAULTS["PUBLIC_BASE_URL"]
LONGEST = "https://" + "x" * (MAX_BASE_URL - len("https://"))  # the longest base URL the settings accept
SIGNATURES = (DEFAULT_SMS_SIGNATURE, "【" + "长" * (MAX_SIGNATURE - 2) + "】")
SALES = Actor("sales_cs", frozenset({Role.SALES}))
SERVICE = Actor("service1", frozenset({Role.SERVICE}))


def never(phone: str) -> bool:
    return False


def every_text(signature: str, base: str) -> dict[str, list[str]]:
    token = new_link_token()
    status, survey = cm.status_link(base, token), cm.survey_link(base, token)
    decisions = ["说明原因", "赔偿 99999.99 元", "返工处理", "请查看详情"]
    return {
        "received": cm.received_texts(signature, CID, "483920", status),
        **{f"handling_told {d}": cm.handling_told_texts(signature, CID, d, status) for d in decisions},
        "survey": cm.survey_texts(signature, CID, survey),
    }


@pytest.mark.parametrize("base", [LOCAL, LONGEST])
@pytest.mark.parametrize("signature", SIGNATURES)
def test_every_sms_starts_with_the_signature_and_fits_two_segments_links_included(signature, base):
    for kind, variants in every_text(signature, base).items():
        text = cm.fit(variants)
        assert text.startswith(signature), kind
        assert len(text) <= cm.MAX_LENGTH, (kind, len(text), text)
        assert base + "/" in text, kind


def test_with_the_default_signature_and_local_site_the_survey_fits_one_segment_and_the_others_two():
    lengths = {kind: len(cm.fit(v)) for kind, v in every_text(DEFAULT_SMS_SIGNATURE, LOCAL).items()}
    assert lengths["survey"] <= cm.SEGMENT
    assert all(cm.SEGMENT < n <= cm.MAX_LENGTH for kind, n in lengths.items() if kind != "survey"), lengths


def test_the_fullest_text_that_fits_is_chosen():
    assert cm.fit(["x" * 71, "x" * 70, "x" * 10]) == "x" * 70
    assert cm.fit(["x" * 140, "x" * 134, "x" * 100]) == "x" * 134
    assert cm.fit(["x" * 200, "x" * 150]) == "x" * 150


def test_the_receipt_holds_the_number_the_code_and_the_status_link_and_no_staff_contact():
    token = new_link_token()
    text = cm.fit(cm.received_texts(DEFAULT_SMS_SIGNATURE, CID, "483920", cm.status_link(LOCAL, token)))
    assert CID in text and "483920" in text and f"{LOCAL}/s/{token}" in text
    for member in STAFF:
        assert member.name not in text and not (member.phone and member.phone[3:] in text)


def test_a_link_token_is_url_safe_base64_of_128_bits_and_never_repeats():
    tokens = {new_link_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", t) for t in tokens)


@pytest.mark.parametrize("handling, words", [
    (None, "说明原因"),
    (HandlingType.EXPLANATION, "说明原因"),
    (HandlingType.EXCHANGE, "换货"),
    ((HandlingType.COMPENSATION, "200.00"), "赔偿 200 元"),
    ((HandlingType.REFUND, "35.50"), "退款 35.50 元"),
    (HandlingType.RETURN, "退货"),
    (HandlingType.REWORK, "返工处理"),
])
def test_the_decision_is_told_in_plain_words(handling, words):
    if handling is not None:
        kind, amount = handling if isinstance(handling, tuple) else (handling, None)
        handling = Handling(type=kind, amount=Decimal(amount) if amount else None, proposed_by="sales_cs", at=NOW)
    assert cm.decision_words(handling) == words


@pytest.mark.parametrize("phone, email, consent, reached", [
    ("+8613800138000", None, True, ("sms", "+8613800138000")),
    ("+8619912345678", "a@example.com", True, ("sms", "+8619912345678")),
    ("+867318456123", None, True, None),  # a Changsha landline
    ("+867318456123", "wang@hotel.example", True, ("email", "wang@hotel.example")),
    ("+8613800138000", "a@example.com", False, None),
    ("[已删除]", None, True, None),  # erased
])
def test_who_is_reached_how(phone, email, consent, reached):
    found = cm.reach(Customer(name="张先生", phone=phone, email=email), consent, never)
    assert (found and (found.channel, found.address)) == (reached or None)


def test_a_number_outside_china_is_texted_when_it_is_a_mobile():
    customer = Customer(name="Smith", phone="+447700900123")
    assert cm.reach(customer, True, lambda phone: True) == cm.Reach("sms", "+447700900123")
    assert cm.reach(customer, True, never) is None


# --- the survey clock ---------------------------------------------------------------------------

def local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI).replace(tzinfo=None)


@pytest.mark.parametrize("told, survey", [
    (datetime(2026, 11, 24, 10, 0), datetime(2026, 11, 25, 10, 0)),  # Tuesday -> Wednesday
    (datetime(2026, 11, 27, 15, 0), datetime(2026, 11, 30, 15, 0)),  # Friday -> Monday
    (datetime(2026, 11, 24, 7, 30), datetime(2026, 11, 25, 9, 0)),  # before opening: at opening
    (datetime(2026, 11, 24, 19, 0), datetime(2026, 11, 26, 9, 0)),  # after closing: the next day's opening
    (datetime(2026, 11, 28, 11, 0), datetime(2026, 12, 1, 9, 0)),  # told on a Saturday: a day from Monday 09:00
])
def test_the_survey_goes_one_working_day_after_the_customer_was_told_within_business_hours(told, survey):
    at = deadlines.survey_time(told.replace(tzinfo=SHANGHAI), Severity.NORMAL)
    assert local(at) == survey


def test_a_holiday_is_skipped_like_a_weekend():
    calendar = WorkCalendar(StatutoryDays({date(2026, 11, 25): "公司假日"}, {}, frozenset({2026})))
    policy = deadlines.DeadlinePolicy(calendar=calendar)
    told = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)
    assert local(deadlines.survey_time(told, Severity.CRITICAL, policy)) == datetime(2026, 11, 26, 10, 0)


def complaint(consent=True, phone="+8613800138000"):
    command = RecordComplaint(channel=Channel.HOTLINE, category=Category.ODOR, description="打开后有很大的油漆味",
                              customer=Customer(name="张先生", phone=phone), product=Product(sku="V2047"),
                              consent=consent)
    return open_complaint(command, CID, "hash", Route("HN-CS", "sales_cs"), "service1", NOW, access_code="483920")


def told(c=None):
    c = c or complaint()
    c.status = Status.HANDLING_AGREED
    perform(c, NotifyCustomer(via="phone", note="已电话告知"), Context(SALES, NOW))
    return c


def test_the_receipt_is_the_first_word_to_the_customer_on_any_channel():
    c = complaint()
    assert c.consent and TellCustomer(MessageKind.RECEIVED, "483920") in c.effects


def test_telling_the_customer_the_decision_sends_it_and_starts_the_survey_before_the_callback():
    c = told()
    assert TellCustomer(MessageKind.HANDLING_TOLD) in c.effects
    survey, callback = c.deadlines[Clock.SURVEY], c.deadlines[Clock.CALLBACK]
    assert survey.running and survey.due_at < callback.due_at


def test_the_survey_firing_sends_the_survey_once():
    c = told()
    c.effects.clear()
    due = c.deadlines[Clock.SURVEY].due_at
    assert deadlines.on_timer(c, Clock.SURVEY, due) == ["survey_sent"]
    assert TellCustomer(MessageKind.SURVEY) in c.effects
    c.effects.clear()
    assert deadlines.on_timer(c, Clock.SURVEY, due + timedelta(minutes=5)) == [] and c.effects == []


def test_a_survey_firing_early_only_sets_the_schedule_again():
    c = told()
    c.effects.clear()
    assert deadlines.on_timer(c, Clock.SURVEY, NOW + timedelta(hours=1)) == []
    assert not any(isinstance(e, TellCustomer) for e in c.effects)


@pytest.mark.parametrize("then", [
    (RecordSatisfaction(rating=4, comment="满意"), SALES),
    (Close(note="结案"), SERVICE),
    (Reopen(reason="顾客又来电"), SERVICE),
])
def test_no_survey_once_answered_closed_or_reopened(then):
    c = told()
    command, actor = then
    perform(c, command, Context(actor, NOW + timedelta(hours=2)))
    c.effects.clear()
    assert deadlines.on_timer(c, Clock.SURVEY, c.deadlines[Clock.SURVEY].due_at) == []
    assert c.effects == []


def test_the_customers_survey_answer_is_satisfaction_by_the_customer_and_stops_the_callback():
    c = told()
    answer_survey(c, RecordSatisfaction(rating=2, comment="太慢"), NOW + timedelta(days=1))
    assert c.status is Status.FOLLOWED_UP and c.satisfaction.by == "customer" and c.satisfaction.rating == 2
    assert c.deadlines[Clock.CALLBACK].stopped_at is not None
    assert c.new_history[-1].actor == "customer" and c.new_history[-1].action == "survey_answered"
    assert any(getattr(e, "role", None) is Role.MANAGER for e in c.effects), "a low rating tells the manager"


def test_a_survey_answer_after_the_complaint_was_followed_up_is_refused():
    c = told()
    answer_survey(c, RecordSatisfaction(rating=5), NOW)
    with pytest.raises(InvalidTransition):
        answer_survey(c, RecordSatisfaction(rating=1), NOW)


# --- the receipt again --------------------------------------------------------------------------

def test_resending_the_receipt_replaces_the_code_and_sends_it_in_any_status():
    c = complaint()
    c.status, c.effects = Status.CLOSED, []
    code = issue_code("k" * 32, CID)
    perform(c, ResendReceipt(), Context(SERVICE, NOW, new_code=code, reachable=True))
    assert c.access_code_hash == code.hash and c.status is Status.CLOSED
    assert c.effects == [TellCustomer(MessageKind.RECEIVED, code.code)]


def test_a_receipt_cannot_be_resent_to_a_customer_who_cannot_be_reached():
    c = complaint(phone="+867318456123")
    with pytest.raises(RuleViolation) as refused:
        perform(c, ResendReceipt(), Context(SERVICE, NOW, new_code=issue_code("k" * 32, CID), reachable=False))
    assert str(refused.value) == "customer_unreachable" and c.access_code_hash == "hash"
