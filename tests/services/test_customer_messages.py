"""The complainant in the loop, against fakes: the receipt, the decision and the survey as SMS (or e-mail),
the status and survey links, the receipt again, a new access code; each message stored with its change
and sent once."""
from __future__ import annotations

import re
from dataclasses import replace
import pytest

from chalicelib.domain import access
from chalicelib.domain.commands import CloseUnsubstantiated, Contact, RecordSatisfaction, ResendReceipt
from chalicelib.domain.errors import AlreadyDone, ComplaintNotFound, LinkExpired, RuleViolation, TooManyAttempts
from chalicelib.domain.model import Actor, Channel, Clock, Customer, MessageKind, Role
from chalicelib.services import access_code, delivery, public, survey, timers, workflow
from chalicelib.services.intake import Submission, submit
from tests.services.conftest import NOW, odor
from tests.services.fakes import later

SALES_CS = Actor("sales_cs", frozenset({Role.SALES}))
SERVICE = Actor("service1", frozenset({Role.SERVICE}))
MOBILE = "+8613800138000"
LINK = re.compile(r"https://ts\.example\.cn(/s/|/survey\?t=)([A-Za-z0-9_-]{22})")


def record(fakes, **changes) -> dict:
    command = odor(consent=True, **changes)
    return submit(Submission(command, [], "public" if command.channel is Channel.WEB else "service1", None), fakes,
                  NOW)


def deliver_all(fakes, now=NOW) -> None:
    delivery.deliver_pending(fakes, now)


def token_of(text: str, kind: str = "/s/") -> str:
    return next(m.group(2) for m in LINK.finditer(text) if m.group(1) == kind)


def told(fakes) -> str:
    cid = record(fakes)["complaint_id"]
    workflow.act(cid, Contact("已联系"), SALES_CS, fakes, NOW)
    workflow.act(cid, CloseUnsubstantiated("属正常现象, 已解释"), SALES_CS, fakes, later(NOW, hours=1))
    return cid


def fire_survey(fakes, cid: str) -> None:
    due = fakes.complaints.get(cid).deadlines[Clock.SURVEY].due_at
    timers.on_timer({"complaint_id": cid, "clock": "survey", "scheduled_time": due.isoformat()}, fakes)
    deliver_all(fakes, due)


def survey_token(fakes) -> str:
    return token_of(fakes.texts.sent[-1][1], "/survey?t=")


@pytest.mark.parametrize("channel", list(Channel))
def test_a_customer_with_a_mobile_and_consent_gets_the_receipt_by_sms_from_every_channel(fakes, channel):
    receipt = record(fakes, channel=channel)
    deliver_all(fakes)
    [(phone, text)] = fakes.texts.sent
    assert phone == MOBILE and text.startswith("【XX纸业】")
    assert receipt["complaint_id"] in text and receipt["access_code"] in text
    assert receipt["access_code"] not in token_of(text)


def test_without_consent_nothing_is_sent_to_the_customer(fakes):
    submit(Submission(odor(channel=Channel.HOTLINE), [], "service1", None), fakes, NOW)
    deliver_all(fakes)
    assert fakes.texts.sent == [] and fakes.outbox.to_customer() == []


def test_a_landline_with_an_e_mail_gets_the_receipt_by_e_mail_and_without_one_nothing(fakes):
    landline = Customer(name="王经理", phone="+867318456123", email="wang@hotel.example")
    receipt = record(fakes, customer=landline)
    record(fakes, customer=replace(landline, email=None))
    deliver_all(fakes)
    [(to, subject, text)] = fakes.mail.sent
    assert to == "wang@hotel.example" and receipt["complaint_id"] in subject and receipt["access_code"] in text
    assert fakes.texts.sent == []


def test_the_text_holding_the_access_code_is_kept_only_until_it_is_sent(fakes):
    receipt = record(fakes)
    [stored] = fakes.outbox.to_customer()
    assert receipt["access_code"] in stored.text
    deliver_all(fakes)
    assert [m.text for m in fakes.outbox.to_customer()] == [""]


def test_the_status_link_opens_the_status_by_its_token_with_or_without_the_id(fakes):
    receipt = record(fakes)
    deliver_all(fakes)
    token = token_of(fakes.texts.sent[0][1])
    for complaint_id in ("-", receipt["complaint_id"]):
        shown = public.status(complaint_id, None, "zh", fakes, NOW, "1.2.3.4", token=token)
        assert shown["complaint_id"] == receipt["complaint_id"]
    assert fakes.complaints.links and token not in str(fakes.complaints.links), "only its hash is stored"


def test_a_wrong_token_is_not_found_like_a_wrong_code_and_counts_as_a_guess(fakes):
    record(fakes)
    for _ in range(public.DEFAULT_LIMIT.max_failures):
        with pytest.raises(ComplaintNotFound):
            public.status("-", None, "zh", fakes, NOW, "1.2.3.4", token="A" * 22)
    with pytest.raises(TooManyAttempts):
        public.status("-", None, "zh", fakes, NOW, "1.2.3.4", token="B" * 22)


def test_a_status_token_opens_only_the_complaint_it_names(fakes):
    record(fakes)
    other = record(fakes)["complaint_id"]
    deliver_all(fakes)
    with pytest.raises(ComplaintNotFound):
        public.status(other, None, "zh", fakes, NOW, "1.2.3.4", token=token_of(fakes.texts.sent[0][1]))


def test_the_decision_is_told_in_plain_words_with_a_status_link(fakes):
    cid = told(fakes)
    deliver_all(fakes)
    text = fakes.texts.sent[-1][1]
    assert "说明原因" in text and cid in text and token_of(text)
    assert [m.kind for m in fakes.outbox.to_customer(cid)] == [MessageKind.RECEIVED, MessageKind.HANDLING_TOLD]


def test_a_day_after_the_customer_was_told_the_survey_link_goes_and_its_answer_follows_the_complaint_up(fakes):
    cid = told(fakes)
    fire_survey(fakes, cid)
    answer = survey.answer(survey_token(fakes), 5, "解释清楚了", fakes, later(NOW, days=2), "1.2.3.4")
    assert answer == {"complaint_id": cid, "status": "followed_up"}
    complaint = fakes.complaints.get(cid)
    assert complaint.satisfaction.by == "customer" and complaint.satisfaction.rating == 5
    assert complaint.deadlines[Clock.CALLBACK].stopped_at is not None, "the callback reminder will not fire"


def test_a_survey_link_answers_once_for_fourteen_days_and_a_made_up_one_not_at_all(fakes):
    cid = told(fakes)
    fire_survey(fakes, cid)
    token = survey_token(fakes)
    with pytest.raises(LinkExpired):
        survey.answer(token, 4, None, fakes, later(NOW, days=16))
    survey.answer(token, 4, None, fakes, later(NOW, days=2))
    with pytest.raises(AlreadyDone):
        survey.answer(token, 1, None, fakes, later(NOW, days=2))
    with pytest.raises(ComplaintNotFound):
        survey.answer("Z" * 22, 4, None, fakes, later(NOW, days=2))
    status_token = token_of(fakes.texts.sent[0][1])
    with pytest.raises(ComplaintNotFound):
        survey.answer(status_token, 4, None, fakes, later(NOW, days=2))


def test_an_opted_out_number_gets_no_sms_and_the_record_says_so(fakes):
    fakes.texts.opted_out_numbers.add(MOBILE)
    cid = record(fakes)["complaint_id"]
    deliver_all(fakes)
    assert fakes.texts.sent == []
    shown = workflow.view(cid, SERVICE, fakes)["customer_messages"]
    assert [(m["kind"], m["channel"], m["state"]) for m in shown] == [("received", "sms", "opted_out")]


def test_the_staff_view_lists_the_messages_without_their_text_or_link(fakes):
    cid = record(fakes)["complaint_id"]
    record_before = workflow.view(cid, SERVICE, fakes)
    assert [m["state"] for m in record_before["customer_messages"]] == ["pending"]
    deliver_all(fakes)
    [shown] = workflow.view(cid, SERVICE, fakes)["customer_messages"]
    assert set(shown) == {"kind", "at", "channel", "state"} and shown["state"] == "sent"


def test_resending_the_receipt_gives_a_new_code_the_old_one_stops_working(fakes):
    receipt = record(fakes)
    cid, old = receipt["complaint_id"], receipt["access_code"]
    view = workflow.act(cid, ResendReceipt(), SERVICE, fakes, NOW)
    deliver_all(fakes)
    new = re.search(r"查询码 (\d{6})", fakes.texts.sent[-1][1]).group(1)
    assert [m["kind"] for m in view["customer_messages"]] == ["received", "received"]
    assert public.status(cid, new, "zh", fakes, NOW)["complaint_id"] == cid
    if new != old:
        with pytest.raises(ComplaintNotFound):
            public.status(cid, old, "zh", fakes, NOW)


def test_a_receipt_is_not_resent_to_a_customer_who_cannot_be_reached(fakes):
    cid = submit(Submission(odor(), [], "public", None), fakes, NOW)["complaint_id"]
    with pytest.raises(RuleViolation):
        workflow.act(cid, ResendReceipt(), SERVICE, fakes, NOW)


def test_the_right_last_four_digits_bring_a_new_code_three_times_a_day_and_wrong_ones_nothing(fakes):
    cid = record(fakes)["complaint_id"]
    deliver_all(fakes)
    assert access_code.request(cid, "1234", fakes, NOW) == {"status": "accepted"}
    assert access_code.request("C-20261124-NOSUCH", "8000", fakes, NOW) == {"status": "accepted"}
    for _ in range(4):
        assert access_code.request(cid, "8000", fakes, NOW) == {"status": "accepted"}
    deliver_all(fakes)
    assert len(fakes.texts.sent) == 1 + access_code.NEW_CODES_PER_DAY
    assert access_code.request(cid, "8000", fakes, later(NOW, days=1)) == {"status": "accepted"}
    deliver_all(fakes, later(NOW, days=1))
    assert len(fakes.texts.sent) == 2 + access_code.NEW_CODES_PER_DAY
    last = re.search(r"查询码 (\d{6})", fakes.texts.sent[-1][1]).group(1)
    assert public.status(cid, last, "zh", fakes, later(NOW, days=1))["complaint_id"] == cid


def test_a_failing_sms_leaves_the_staff_notification_sent_and_goes_once_when_sns_is_back(fakes):
    record(fakes)
    fakes.texts.failing = 1
    deliver_all(fakes)
    assert [e for _, e, _, _ in fakes.notifier.sent] == ["assigned"] and fakes.texts.sent == []
    assert delivery.sweep(fakes, later(NOW, minutes=5)) == 1
    assert delivery.sweep(fakes, later(NOW, minutes=10)) == 0
    assert len(fakes.texts.sent) == 1


def test_no_survey_goes_to_a_complaint_answered_before_its_time(fakes):
    cid = told(fakes)
    workflow.act(cid, RecordSatisfaction(rating=4), SALES_CS, fakes, later(NOW, hours=2))
    deliver_all(fakes)
    sent = len(fakes.texts.sent)
    assert sent == 2
    fire_survey(fakes, cid)
    assert len(fakes.texts.sent) == sent


def test_the_survey_token_is_kept_as_a_keyed_hash_only(fakes):
    cid = told(fakes)
    fire_survey(fakes, cid)
    token = survey_token(fakes)
    hashed = access.hash_link_token(fakes.settings.token_secret, token)
    assert fakes.complaints.links[hashed].kind == "survey" and fakes.complaints.links[hashed].complaint_id == cid
    assert token not in str(fakes.complaints.links)
