"""Staff changes that lose nothing, against fakes: a deactivated salesperson's open complaints re-routed, a
territory's moved to its new salesperson; each once, whoever acts on them meanwhile."""
from __future__ import annotations

import dataclasses

import pytest

from chalicelib.domain import access
from chalicelib.domain.commands import AddNote, Assign
from chalicelib.domain.deliveries import Notification, Reassignment
from chalicelib.domain.errors import ConcurrentChange
from chalicelib.domain.intake import open_complaint
from chalicelib.domain.model import Actor, Customer, CustomerType, Role, StaffMember, Status
from chalicelib.domain.routing import Route
from chalicelib.services import delivery, staff_changes, workflow
from chalicelib.services.staff_changes import Selector
from tests.services.conftest import NOW, odor
from tests.services.fakes import later

ADMIN = Actor("admin1", frozenset({Role.ADMIN}))
SERVICE = Actor("service1", frozenset({Role.SERVICE}))
LEAVING = StaffMember("sales_old", "赵离", frozenset({Role.SALES}), "+8613900000009", territories=[])
CLERK = StaffMember("service1", "客服一", frozenset({Role.SERVICE}), "+8613900000020")
CHANGSHA = {"name": "张先生", "phone": "+8613800138000", "type": CustomerType.CONSUMER, "province": "湖南",
            "city": "长沙"}
NOWHERE = {**CHANGSHA, "province": "新疆", "city": "乌鲁木齐"}


@pytest.fixture
def a(fakes):
    fakes.directory.members.update({m.username: m for m in (LEAVING, CLERK)})
    fakes.directory.territories["HN-CS"] = {"code": "HN-CS", "name": "湖南长沙片区", "salesperson": "sales_cs"}
    fakes.directory.routes[("account", "AFF-GZ-001")] = Route("GD-GZ", "sales_wh")
    return fakes


def complaint(a, territory="HN-CS", status=Status.ASSIGNED, assignee="sales_old", **customer):
    """A complaint assigned to `assignee` (in `territory`, in `status`), stored as intake stores one; each
    received a minute after the one before."""
    cid = access.new_complaint_id(NOW)
    received = later(NOW, minutes=len(a.complaints.complaints) - 60)
    command = odor(customer=Customer(**{**CHANGSHA, **customer}), received_at=received)
    c = open_complaint(command, cid, "hash", Route(territory, assignee), "public", NOW)
    c.status = status
    a.complaints.add(c, [], NOW)
    return cid


def notifications(a, cid):
    return [(i.delivery.recipient, i.delivery.event) for i in a.outbox.items.values()
            if i.owner == cid and isinstance(i.delivery, Notification)]


def moves_of(a, cid):
    return [h for h in a.complaints.history(cid) if h.data.get("reason") == staff_changes.DEACTIVATED]


def test_each_open_complaint_goes_where_the_routing_rules_send_it_now(a):
    by_territory = complaint(a)
    by_account = complaint(a, account_id="AFF-GZ-001")
    nowhere = complaint(a, territory=None, **NOWHERE)
    moves = staff_changes.reroute_open("sales_old", ADMIN, a, NOW)
    assert moves.out() == {"moved": [{"complaint_id": by_territory, "to": "sales_cs"},
                                     {"complaint_id": by_account, "to": "sales_wh"}],
                           "queued": [nowhere], "pending": []}
    assert [a.complaints.get(c).assignee for c in (by_territory, by_account, nowhere)] == ["sales_cs", "sales_wh",
                                                                                           None]


def test_the_new_assignee_is_told_and_the_history_says_who_moved_it_and_why(a):
    cid = complaint(a, status=Status.QC_PENDING)
    staff_changes.reroute_open("sales_old", ADMIN, a, NOW)
    assert notifications(a, cid) == [("sales_cs", "assigned")]
    [entry] = moves_of(a, cid)
    assert (entry.actor, entry.action, entry.data["assignee"], entry.data["from_assignee"]) == (
        "admin1", "assign", "sales_cs", "sales_old")
    assert entry.from_status is entry.to_status is Status.QC_PENDING  # the work done stays with the complaint


def test_a_complaint_with_no_route_waits_in_the_service_queue_and_service_and_the_manager_hear_of_it(a):
    cid = complaint(a, territory=None, **NOWHERE)
    staff_changes.reroute_open("sales_old", ADMIN, a, NOW)
    moved = a.complaints.get(cid)
    assert moved.assignee is None and moved.status is Status.RECEIVED  # service assigns it from there
    assert sorted(notifications(a, cid)) == [("manager1", "assigned"), ("service1", "assigned")]
    assert [h.action for h in moves_of(a, cid)] == ["unroutable"]


def test_closed_complaints_and_other_salespeoples_are_left_as_they_were(a):
    closed = complaint(a, status=Status.CLOSED)
    others = complaint(a, assignee="sales_wh")
    versions = [a.complaints.get(c).version for c in (closed, others)]
    assert staff_changes.reroute_open("sales_old", ADMIN, a, NOW).out()["moved"] == []
    assert [a.complaints.get(c).version for c in (closed, others)] == versions


def test_the_accounts_salesperson_comes_first_unless_they_are_inactive_too(a):
    a.directory.members["sales_wh"] = dataclasses.replace(a.directory.members["sales_wh"], active=False)
    cid = complaint(a, account_id="AFF-GZ-001")
    staff_changes.reroute_open("sales_old", ADMIN, a, NOW)
    assert a.complaints.get(cid).assignee == "sales_cs"  # the territory's


def test_the_deactivated_member_is_never_chosen_even_if_a_route_still_names_them(a):
    a.directory.territories["HN-CS"]["salesperson"] = "sales_old"
    a.directory.routes[("route", "湖南#长沙")] = Route("HN-CS", "sales_old")
    cid = complaint(a)
    staff_changes.reroute_open("sales_old", ADMIN, a, NOW)
    assert a.complaints.get(cid).assignee is None


def test_a_complaint_acted_on_while_the_deactivation_runs_is_still_moved_exactly_once(a, monkeypatch):
    cid = complaint(a, status=Status.INVESTIGATING)
    read, acted = a.complaints.get, []

    def read_then_someone_adds_a_note(complaint_id):
        found = read(complaint_id)
        if not acted:
            acted.append(complaint_id)
            workflow.act(complaint_id, AddNote("顾客又来电"), SERVICE, a, NOW)  # saved before the move is
        return found

    monkeypatch.setattr(a.complaints, "get", read_then_someone_adds_a_note)
    moves = staff_changes.reroute_open("sales_old", ADMIN, a, NOW)
    assert moves.out()["moved"] == [{"complaint_id": cid, "to": "sales_cs"}]
    history = [h.action for h in a.complaints.history(cid)]
    assert history[-2:] == ["note", "assign"] and len(moves_of(a, cid)) == 1
    assert notifications(a, cid).count(("sales_cs", "assigned")) == 1


def test_a_complaint_someone_else_moved_meanwhile_is_left_where_they_put_it(a, monkeypatch):
    cid = complaint(a)
    read, acted = a.complaints.get, []

    def read_then_service_assigns_it(complaint_id):
        found = read(complaint_id)
        if not acted:
            acted.append(complaint_id)
            workflow.act(complaint_id, Assign("sales_wh"), SERVICE, a, NOW)  # saved before the move is
        return found

    monkeypatch.setattr(a.complaints, "get", read_then_service_assigns_it)
    assert staff_changes.reroute_open("sales_old", ADMIN, a, NOW).out()["moved"] == []
    assert read(cid).assignee == "sales_wh" and moves_of(a, cid) == []


def test_what_the_request_leaves_is_moved_through_the_outbox_once_however_often_it_is_delivered(a, monkeypatch):
    monkeypatch.setattr(staff_changes, "IN_REQUEST", 1)
    first, second, third = (complaint(a) for _ in range(3))
    moves = staff_changes.reroute_open("sales_old", ADMIN, a, NOW)
    assert [m["complaint_id"] for m in moves.out()["moved"]] == [first]
    assert moves.pending == [second, third]
    work = [k for k, i in a.outbox.items.items() if isinstance(i.delivery, Reassignment)]
    assert [a.outbox.items[k].owner for k in work] == [second, third]
    for _ in range(2):  # the stream, then the sweeper (or the stream again)
        for key in work:
            delivery.deliver(key, a, later(NOW, seconds=5))
    for cid in (second, third):
        assert staff_changes.carry_out(cid, a.outbox.items[work[0]].delivery, a, NOW) == "unchanged"
        assert a.complaints.get(cid).assignee == "sales_cs" and len(moves_of(a, cid)) == 1
        assert notifications(a, cid) == [("sales_cs", "assigned")]
    assert [a.outbox.items[k].result for k in work] == ["moved to sales_cs"] * 2


def test_a_complaint_still_busy_after_a_few_tries_is_left_to_the_outbox(a, monkeypatch):
    cid = complaint(a)
    save = a.complaints.save
    busy = staff_changes.MOVE_ATTEMPTS

    def conflicting(*args, **kwargs):
        nonlocal busy
        if busy:
            busy -= 1
            raise ConcurrentChange(cid)
        return save(*args, **kwargs)

    monkeypatch.setattr(a.complaints, "save", conflicting)
    assert staff_changes.reroute_open("sales_old", ADMIN, a, NOW).pending == [cid]
    [key] = [k for k, i in a.outbox.items.items() if isinstance(i.delivery, Reassignment)]
    assert delivery.deliver(key, a, NOW) is True
    assert a.complaints.get(cid).assignee == "sales_cs"


def test_a_territorys_open_complaints_follow_its_new_salesperson_when_asked(a):
    old, closed = complaint(a), complaint(a, status=Status.CLOSED)
    not_theirs, elsewhere = complaint(a, assignee="sales_cs"), complaint(a, territory="HB-WH")
    territory = Selector("territory", "HN-CS")
    counted = staff_changes.salesperson_changed(territory, "sales_old", "sales_wh", False, ADMIN, a, NOW)
    assert counted == {"open_with_previous": 1}
    moved = staff_changes.salesperson_changed(territory, "sales_old", "sales_wh", True, ADMIN, a, NOW)
    assert moved == {"open_with_previous": 0, "moved": [{"complaint_id": old, "to": "sales_wh"}], "queued": [],
                     "pending": []}
    assert [a.complaints.get(c).assignee for c in (old, closed, not_theirs, elsewhere)] == [
        "sales_wh", "sales_old", "sales_cs", "sales_old"]
    [entry] = [h for h in a.complaints.history(old) if h.data.get("reason") == staff_changes.TERRITORY_CHANGED]
    assert (entry.actor, entry.data["from_assignee"]) == ("admin1", "sales_old")
    assert notifications(a, old) == [("sales_wh", "assigned")]


def test_an_unchanged_salesperson_has_nothing_to_offer(a):
    complaint(a)
    territory = Selector("territory", "HN-CS")
    assert staff_changes.salesperson_changed(territory, "sales_old", "sales_old", True, ADMIN, a, NOW) == {
        "open_with_previous": 0}
    assert staff_changes.salesperson_changed(territory, None, "sales_cs", True, ADMIN, a, NOW) == {
        "open_with_previous": 0}


def test_an_accounts_open_complaints_are_found_by_its_id_in_any_spelling(a):
    from chalicelib.domain.finding import find_keys

    cid = complaint(a, account_id="AFF-GZ-001")
    stored = a.complaints.complaints[cid]
    stored.find_keys = find_keys(a.settings.access_code_secret, stored.customer)  # as intake gives them
    moves = staff_changes.move_open_complaints("sales_old", "sales_wh", Selector("account", "aff-gz-001"), ADMIN,
                                               a, NOW)
    assert moves.out()["moved"] == [{"complaint_id": cid, "to": "sales_wh"}]
    [entry] = [h for h in a.complaints.history(cid) if h.data.get("reason") == staff_changes.ACCOUNT_CHANGED]
    assert entry.data["assignee"] == "sales_wh"


@pytest.mark.parametrize("reason", [staff_changes.DEACTIVATED, staff_changes.TERRITORY_CHANGED,
                                    staff_changes.ACCOUNT_CHANGED])
def test_what_a_move_writes_and_sends_is_in_the_consoles_words(a, reason):
    from chalicelib.domain.labels import ACTION, HISTORY_FIELD, HISTORY_REASON
    from tests.unit.test_message_words import english_words

    moved, queued = complaint(a), complaint(a, territory=None, **NOWHERE)
    a.directory.territories.clear()
    a.directory.routes.clear()
    staff_changes.move(moved, Reassignment("sales_old", "admin1", reason, "sales_cs"), a, NOW)
    staff_changes.move(queued, Reassignment("sales_old", "admin1", reason), a, NOW)
    for cid in (moved, queued):
        [entry] = [h for h in a.complaints.history(cid) if h.data.get("reason") == reason]
        assert entry.action in ACTION and set(entry.data) <= set(HISTORY_FIELD) and reason in HISTORY_REASON
        texts = [i.delivery.text for i in a.outbox.items.values() if i.owner == cid]
        assert texts and all(english_words(t, "sales_old") == [] for t in texts), texts
