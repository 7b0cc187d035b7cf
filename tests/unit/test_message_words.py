"""Every text a person reads is in their language: the staff's SMS/e-mail texts and subjects, the customer's
messages, and the history notes the Chinese console renders hold no English words (issue 18.1). Ids, SKUs,
batches, usernames, numbers, units and links may be ASCII; nothing else may."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from chalicelib.domain import clusters, deadlines
from chalicelib.domain import customer_messages as cm
from chalicelib.domain.commands import AddNote, Escalate, SetSeverity
from chalicelib.domain.intake import RecordComplaint, open_complaint
from chalicelib.domain.labels import ACTION, APPROVAL_REASON, HISTORY_FIELD, HISTORY_VALUES, NOTIFICATION_EVENT, PAGE_LISTS, zh
from chalicelib.domain.model import (
    Category, Channel, Clock, Customer, CustomerType, NotificationEvent, Notify, Product, Role, Status,
)
from chalicelib.domain.routing import Route
from chalicelib.domain.workflow import Context, perform
from tests.unit.test_workflow import ACTORS, CONTRACT, NOW, SALES, VALID, complaint_in, ctx

ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z_]+")
ALLOWED = {"SMS", "MB", "h", "min"}  # units and the names of channels people say in Chinese too


def english_words(text: str, *allowed_values: str) -> list[str]:
    """The ASCII words of `text` once links, complaint numbers and the given values (SKUs, usernames) are out."""
    text = re.sub(r"https?://\S+|/s/\S+|/survey\?t=\S+", " ", text)
    text = re.sub(r"C-\d{8}-[0-9A-Z]{6}", " ", text)
    for value in sorted(filter(None, allowed_values), key=len, reverse=True):
        text = text.replace(value, " ")
    return [w for w in ASCII_WORD.findall(text) if w not in ALLOWED]


def intake_variants():
    """New complaints as intake opens them: routed, unroutable, critical, major (a key account)."""
    base = dict(channel=Channel.HOTLINE, category=Category.PRINT_DEFECT, description="印刷颜色太浅。",
                customer=Customer(name="王经理", phone="+8673184561234", type=CustomerType.HOTEL,
                                  account_id="HOTEL-CS-001"),
                product=Product(sku="N3100", batch="SA82220026", production_date=date(2008, 2, 22)))
    yield open_complaint(RecordComplaint(**base), "C-20261124-AAAAAA", "h", Route("HN-CS", "sales_cs"), "service1",
                         NOW, access_code="123456", key_account=True)
    yield open_complaint(RecordComplaint(**{**base, "description": "纸巾里有刀片, 划伤了手"}), "C-20261124-BBBBBB",
                         "h", None, "service1", NOW, access_code="123456")
    yield open_complaint(RecordComplaint(**{**base, "product": Product(name="面巾纸")}), "C-20261124-CCCCCC", "h",
                         Route("HN-CS", "sales_cs"), "public", NOW)


def every_changed_complaint():
    """Complaints after every action of the state machine from every status it allows, after every clock
    firing, and as intake opens them: their history and what they caused."""
    yield from intake_variants()
    for action, (roles, sources, _) in CONTRACT.items():
        for status in Status:
            if status.value not in sources:
                continue
            c = complaint_in(status)
            role = Role(sorted(roles - {"admin"})[0]) if roles - {"admin"} else Role.ADMIN
            command = VALID[action]
            if action == "assign":
                c.assignee = "sales_wh"
            perform(c, command, ctx(role))
            yield c
    for note in ("顾客情绪激动。", "再次来电"):
        c = complaint_in(Status.INVESTIGATING)
        perform(c, Escalate(note=note), ctx(Role.SERVICE))
        perform(c, AddNote(note=note), Context(actor=ACTORS[Role.QUALITY], now=NOW, assignee=SALES))
        perform(c, SetSeverity(severity="critical", reason=note), ctx(Role.MANAGER))
        yield c
    for clock in (Clock.FIRST_CONTACT, Clock.RESOLUTION, Clock.CALLBACK, Clock.SURVEY):
        c = complaint_in(Status.CUSTOMER_NOTIFIED)
        deadlines.start_clock(c, clock, NOW)
        due = c.deadlines[clock].due_at
        deadlines.on_timer(c, clock, due - (due - NOW) * 0.2)  # the warning
        deadlines.on_timer(c, clock, due + timedelta(minutes=2))  # the breach, the reminder
        yield c


def notes(c) -> list[Notify]:
    return [e for e in c.effects if isinstance(e, Notify)]


@pytest.fixture(scope="module")
def changed():
    return list(every_changed_complaint())


def test_every_staff_notification_text_and_subject_is_chinese(changed):
    texts = [(n.text, c) for c in changed for n in notes(c)]
    assert len(texts) > 30, "the walk reaches the notifications"
    for text, c in texts:
        assert english_words(text, c.product.sku, c.product.batch, c.assignee, c.customer.phone,
                             "sales_cs", "sales_wh") == [], text
    for event in NotificationEvent:
        assert event.value in NOTIFICATION_EVENT, f"no subject words for {event.value}"
        assert english_words(zh(NOTIFICATION_EVENT, event.value)) == [], event


def test_a_cluster_alert_is_chinese():
    changed = list(intake_variants())
    member = clusters.Member(changed[0].id, changed[0].received_at)
    for lot in clusters.lots(changed[0]):
        alert = clusters.opened(lot, [member, member, member], NOW)
        for n in clusters.notifications(alert, clusters.ClusterRule()):
            assert english_words(n.text, "N3100", "SA82220026") == [], n.text


def test_every_customer_message_is_chinese():
    status, survey = cm.status_link("https://ts.example.cn", "t" * 22), cm.survey_link("https://ts.example.cn", "t" * 22)
    texts = [*cm.received_texts("【XX纸业】", "C-20261124-AAAAAA", "123456", status),
             *cm.handling_told_texts("【XX纸业】", "C-20261124-AAAAAA", "换货", status),
             *cm.survey_texts("【XX纸业】", "C-20261124-AAAAAA", survey)]
    texts += [cm.email_subject(kind, "C-20261124-AAAAAA") for kind in cm.MessageKind]
    for text in texts:
        assert english_words(text, "【XX纸业】") == [], text


def test_no_text_ends_a_sentence_twice(changed):
    for c in changed:
        for n in notes(c):
            assert "。。" not in n.text and " -" not in n.text and "- " not in n.text, n.text


def test_every_history_note_the_console_renders_is_chinese(changed):
    """The console shows an entry as its action's words and each datum as `field words: value`, a value
    in a list's words where HISTORY_VALUES names the list: a system's code must be such a value."""
    lists = {name: table for name, (_, table) in PAGE_LISTS.items()} | {"approval_reasons": APPROVAL_REASON}
    for c in changed:
        for entry in c.new_history:
            assert entry.action in ACTION, f"no words for the history action {entry.action}"
            for key, value in entry.data.items():
                if value is None or isinstance(value, (bool, int, float)) or key in ("note", "explanation"):
                    continue
                assert key in HISTORY_FIELD, f"no words for the history field {key} ({entry.action})"
                values = value if isinstance(value, list) else [value]
                for one in map(str, values):
                    known = "approval_reasons" if key == "approval_reasons" else HISTORY_VALUES.get(key)
                    if known and one in lists[known]:
                        continue
                    assert english_words(one, c.assignee, c.territory, "sales_cs", "sales_wh", "HN-CS",
                                         c.product.sku, c.id) == [], (entry.action, key, one)
