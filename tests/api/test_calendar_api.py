"""The working calendar through the HTTP API: the admin's settings (business hours, clocks, the company's own
days, their history), the console's days, and /health on years the package does not know."""
from __future__ import annotations

import copy
from datetime import date, datetime, timedelta, timezone

import pytest

from tests.real_cases import SHORT_CASE

SHANGHAI = timezone(timedelta(hours=8))
TUESDAY_17H = datetime(2026, 11, 24, 17, 0, tzinfo=SHANGHAI)  # a normal working Tuesday, an hour before closing


def get(api, path, user="admin1", headers=None):
    return api.call("GET", path, user=user, headers=headers)


def ok(response, status=200):
    assert response.status_code == status, response.body
    return response.data


def fields(response):
    assert response.status_code == 400, response.body
    return {f["field"]: f["message"] for f in response.data["error"]["fields"]}


def settings(api, user="admin1"):
    return ok(get(api, "/api/v1/admin/calendar", user=user))


def put(api, data, user="admin1", headers=None):
    return api.call("PUT", "/api/v1/admin/calendar", data, user=user, headers=headers)


def changed(current, **changes):
    """The settings as GET gave them, with some fields replaced (a PUT sends the whole)."""
    data = copy.deepcopy(current)
    data.update(changes)
    return data


def days(api, start, end, user="sales_cs"):
    return ok(get(api, f"/api/v1/staff/calendar?from={start}&to={end}", user=user))


def by_date(answer):
    return {d["date"]: d for d in answer["days"]}


# --- the admin's settings ------------------------------------------------------------------------------

def test_before_any_change_the_admin_calendar_answers_the_default_clocks_in_the_contracts_shape(api):
    answer = settings(api)
    assert answer["timezone"] == "Asia/Shanghai"
    assert answer["business_hours"] == {"start": "09:00", "end": "18:00"}
    clocks = answer["clocks"]
    assert clocks["first_contact"] == {"critical": {"amount": 2, "unit": "hours"},
                                       "major": {"amount": 4, "unit": "business_hours"},
                                       "normal": {"amount": 9, "unit": "business_hours"}}
    assert clocks["resolution"]["normal"] == {"amount": 7, "unit": "business_days"}
    assert clocks["resolution"]["major"] == {"amount": 5, "unit": "business_days"}
    assert clocks["callback"]["critical"] == {"amount": 2, "unit": "business_days"}
    assert answer["company_closed"] == [] and answer["company_workdays"] == []
    assert answer["revision"] == 0 and answer["history"] == []
    assert "degraded" in answer


def test_a_manager_may_read_the_calendar_settings_and_only_an_admin_may_change_them(api):
    current = settings(api, user="manager1")
    assert put(api, current, user="manager1").status_code == 403
    for user in ("service1", "sales_cs", "quality1", "leader1"):
        assert get(api, "/api/v1/admin/calendar", user=user).status_code == 403
        assert put(api, current, user=user).status_code == 403
    assert put(api, {"clocks": "not even valid"}, user="manager1").status_code == 403  # refused before parsing


def test_a_change_is_stored_with_a_new_revision_and_its_history_says_who_changed_what(api):
    current = settings(api)
    clocks = copy.deepcopy(current["clocks"])
    clocks["first_contact"]["normal"] = {"amount": 8, "unit": "business_hours"}
    answer = ok(put(api, changed(current, clocks=clocks, company_closed=["2026-12-31"],
                                 business_hours={"start": "08:30", "end": "17:30"})))
    assert answer["revision"] == 1 and answer["changed_by"] == "admin1"
    assert answer["company_closed"] == ["2026-12-31"]
    assert answer["business_hours"] == {"start": "08:30", "end": "17:30"}
    assert answer["clocks"]["first_contact"]["normal"] == {"amount": 8, "unit": "business_hours"}
    [entry] = settings(api, user="manager1")["history"]
    assert entry["revision"] == 1 and entry["by"] == "admin1"
    assert entry["changes"] == {
        "business_hours.start": {"from": "09:00", "to": "08:30"},
        "business_hours.end": {"from": "18:00", "to": "17:30"},
        "clocks.first_contact.normal": {"from": {"amount": 9, "unit": "business_hours"},
                                        "to": {"amount": 8, "unit": "business_hours"}},
        "company_closed": {"added": ["2026-12-31"], "removed": []},
    }


def test_a_put_over_an_older_revision_is_a_conflict_and_one_that_changes_nothing_stores_nothing(api):
    current = settings(api)
    ok(put(api, changed(current, company_closed=["2026-12-31"])))
    stale = put(api, changed(current, company_workdays=["2026-12-27"]))  # still revision 0
    assert stale.status_code == 409 and stale.data["error"]["code"] == "conflict"
    again = settings(api)
    assert ok(put(api, again))["revision"] == 1
    assert len(settings(api)["history"]) == 1


def valid(api):
    return settings(api)


@pytest.mark.parametrize("change, field, words", [
    ({"clocks.first_contact.normal.unit": "days"}, "clocks.first_contact.normal.unit",
     "'hours', 'business_hours' or 'business_days'"),
    ({"clocks.resolution.major.amount": 0}, "clocks.resolution.major.amount", "at least 0.01"),
    ({"clocks.resolution.major.amount": "soon"}, "clocks.resolution.major.amount", "number"),
    ({"clocks.resolution.critical.amount": 1441}, "clocks.resolution.critical.amount", "at most 1440 hours"),
    ({"clocks.callback.normal.amount": 61}, "clocks.callback.normal.amount", "at most 60 business_days"),
    ({"business_hours.end": "08:00"}, "business_hours.end", "after start (09:00)"),
    ({"business_hours.start": "9:00"}, "business_hours.start", "HH:MM"),
    ({"timezone": "Europe/Berlin"}, "timezone", "'Asia/Shanghai'"),
    ({"company_closed": ["2026-02-30"]}, "company_closed.0", "YYYY-MM-DD"),
])
def test_an_invalid_setting_names_its_field_and_the_real_limit(api, change, field, words):
    data = valid(api)
    for path, value in change.items():
        *parents, last = path.split(".")
        node = data
        for part in parents:
            node = node[part]
        node[last] = value
    errors = fields(put(api, data, headers={"Accept-Language": "en"}))
    assert field in errors and words in errors[field], errors


def test_more_than_366_company_days_or_a_day_both_closed_and_worked_is_refused(api):
    data = valid(api)
    many = [(date(2026, 1, 1) + timedelta(days=n)).isoformat() for n in range(367)]
    assert "at most 366" in fields(put(api, changed(data, company_closed=many), headers={"Accept-Language": "en"}))[
        "company_closed"]
    both = fields(put(api, changed(data, company_closed=["2026-12-26"], company_workdays=["2026-12-26"])))
    assert "2026-12-26" in both["company_workdays"] and "公司休息日" in both["company_workdays"]  # Chinese by default


def test_a_shorter_business_day_lowers_the_longest_clock_in_business_hours(api):
    data = valid(api)
    data["business_hours"] = {"start": "09:00", "end": "13:00"}  # 4 hours a day: 60 business days are 240 hours
    data["clocks"]["resolution"]["normal"] = {"amount": 300, "unit": "business_hours"}
    message = fields(put(api, data, headers={"Accept-Language": "en"}))["clocks"]
    assert message == "resolution.normal must be at most 240 business_hours (60 business days of 4 hours)"


def test_a_missing_clock_is_named(api):
    data = valid(api)
    del data["clocks"]["callback"]
    assert "clocks.callback" in fields(put(api, data))


# --- the console's days ------------------------------------------------------------------------------------

def test_the_staff_calendar_shows_national_day_its_weekend_and_the_make_up_working_days(api):
    answer = days(api, "2026-09-19", "2026-10-11")
    listed = by_date(answer)
    assert len(answer["days"]) == 23 and answer["degraded"] is None
    assert listed["2026-09-19"] == {"date": "2026-09-19", "working": False, "reason": "weekend", "name": None}
    assert listed["2026-09-20"] == {"date": "2026-09-20", "working": True, "reason": "makeup_workday", "name": "国庆节"}
    assert listed["2026-09-25"]["reason"] == "holiday" and listed["2026-09-25"]["name"] == "中秋节"
    assert all(listed[f"2026-10-0{n}"]["reason"] == "holiday" and listed[f"2026-10-0{n}"]["name"] == "国庆节"
               for n in range(1, 8))
    assert listed["2026-10-08"] == {"date": "2026-10-08", "working": True, "reason": "workday", "name": None}
    assert listed["2026-10-10"]["reason"] == "makeup_workday" and listed["2026-10-10"]["working"] is True
    assert listed["2026-10-11"]["reason"] == "weekend"


def test_the_staff_calendar_is_this_month_by_default_and_at_most_366_days(api):
    today = datetime.now(SHANGHAI).date()
    answer = ok(get(api, "/api/v1/staff/calendar", user="quality1"))
    assert answer["days"][0]["date"] == today.replace(day=1).isoformat()
    assert {d["date"][:7] for d in answer["days"]} == {today.isoformat()[:7]}
    assert len(days(api, "2028-01-01", "2028-12-31")["days"]) == 366  # a leap year, whole
    too_long = get(api, "/api/v1/staff/calendar?from=2026-01-01&to=2027-01-02", user="quality1",
                   headers={"Accept-Language": "en"})
    assert "at most 366 days" in fields(too_long)["to"]
    assert "to" in fields(get(api, "/api/v1/staff/calendar?from=2026-02-01&to=2026-01-31"))


def test_a_year_the_package_does_not_know_counts_monday_to_friday_and_says_so(api):
    answer = days(api, "2031-01-01", "2031-01-05")
    assert answer["degraded"] == "2031 unknown"
    assert [(d["date"], d["reason"]) for d in answer["days"]] == [
        ("2031-01-01", "workday"), ("2031-01-02", "workday"), ("2031-01-03", "workday"),
        ("2031-01-04", "weekend"), ("2031-01-05", "weekend")]  # 元旦 2031 is not known: a plain Wednesday


# --- a change applies to clocks started after it --------------------------------------------------------

def test_a_company_closed_day_shows_in_the_staff_calendar_and_a_complaint_recorded_after_skips_it(api, monkeypatch):
    monkeypatch.setattr("chalicelib.handlers.public.now", lambda: TUESDAY_17H.astimezone(timezone.utc))
    before = ok(api.call("POST", "/api/v1/complaints", SHORT_CASE), 201)  # normal: 9 business hours
    assert before["severity"] == "normal"
    assert datetime.fromisoformat(before["first_contact_due"]) == datetime(2026, 11, 25, 17, tzinfo=SHANGHAI)
    ok(put(api, changed(settings(api), company_closed=["2026-11-25"])))
    listed = by_date(days(api, "2026-11-24", "2026-11-26"))
    assert listed["2026-11-25"] == {"date": "2026-11-25", "working": False, "reason": "company_closed", "name": None}
    after = ok(api.call("POST", "/api/v1/complaints", SHORT_CASE), 201)
    assert datetime.fromisoformat(after["first_contact_due"]) == datetime(2026, 11, 26, 17, tzinfo=SHANGHAI)
    record = ok(get(api, f"/api/v1/staff/complaints/{before['complaint_id']}"))  # started before: unchanged
    assert datetime.fromisoformat(record["deadlines"]["first_contact"]["due_at"]) == datetime(
        2026, 11, 25, 17, tzinfo=SHANGHAI)


def test_a_company_working_saturday_counts_for_clocks(api, monkeypatch):
    friday_17h = datetime(2026, 11, 27, 17, 0, tzinfo=SHANGHAI)
    monkeypatch.setattr("chalicelib.handlers.public.now", lambda: friday_17h.astimezone(timezone.utc))
    ok(put(api, changed(settings(api), company_workdays=["2026-11-28"])))
    assert by_date(days(api, "2026-11-28", "2026-11-28"))["2026-11-28"]["reason"] == "company_workday"
    receipt = ok(api.call("POST", "/api/v1/complaints", SHORT_CASE), 201)
    assert datetime.fromisoformat(receipt["first_contact_due"]) == datetime(2026, 11, 28, 17, tzinfo=SHANGHAI)


# --- health ------------------------------------------------------------------------------------------------

def health_at(api, monkeypatch, moment):
    monkeypatch.setattr("chalicelib.handlers.public.now", lambda: moment)
    return ok(api.call("GET", "/health"))


def test_health_is_ok_while_the_package_knows_this_year(api, monkeypatch):
    assert health_at(api, monkeypatch, datetime(2026, 6, 15, tzinfo=SHANGHAI)) == {"status": "ok", "calendar": "ok"}


def test_health_is_degraded_in_december_when_next_year_is_unknown(api, monkeypatch):
    from chalicelib.adapters.calendar import statutory_days

    december = datetime(2026, 12, 1, 10, tzinfo=SHANGHAI)
    assert 2027 not in statutory_days().known_years  # chinesecalendar 1.11.0 knows 2004-2026
    assert health_at(api, monkeypatch, december)["calendar"] == "degraded: 2027 unknown"
    monkeypatch.setattr("chalicelib.handlers.admin.now", lambda: december)
    assert settings(api)["degraded"] == "2027 unknown"  # the admin calendar says so too


def test_health_and_the_admin_calendar_say_so_when_the_package_does_not_know_this_year(api, monkeypatch):
    from chalicelib.adapters.calendar import statutory_days
    from chalicelib.domain.calendar import StatutoryDays
    from chalicelib.wiring import adapters

    known = statutory_days()
    without_2026 = StatutoryDays(known.holidays, known.makeup_workdays, known.known_years - {2026})
    monkeypatch.setattr(adapters().calendar, "statutory", lambda: without_2026)
    assert health_at(api, monkeypatch, datetime(2026, 6, 15, tzinfo=SHANGHAI))["calendar"] == "degraded: 2026 unknown"
    listed = days(api, "2026-10-01", "2026-10-01")
    assert listed["degraded"] == "2026 unknown" and listed["days"][0]["reason"] == "workday"
