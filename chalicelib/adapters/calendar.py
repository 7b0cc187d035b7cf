"""The working calendar's two sources: China's statutory days from the `chinesecalendar` package, and the
company's calendar settings in the table.

The package is read into `StatutoryDays` once per process (`statutory_days`): its holidays (every day of
each break, weekends inside it too) and make-up working days (调休上班), each named in Chinese with the
holiday it belongs to; `known_years` are the years it has data for (a year outside them falls back to
Monday-Friday in the domain, which says so).

The settings are one item, `SETTINGS#calendar` / `META`, with a revision; every change also writes a
`CHANGE#<revision>` item of the same partition (who, when, what changed), in the same transaction and
on the condition that the revision is still the one read. `current()` serves the settings the clocks
use, read at most every `ttl` seconds (as the authorizer's staff profiles), so a change reaches every
process within a minute and a request costs no read in between.
"""

from __future__ import annotations

import logging
import threading
import time as monotonic
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.adapters import keys
from chalicelib.adapters.dynamo import cancellation_codes, from_item, iso, parse_required_time, parse_time, to_item
from chalicelib.domain.calendar import Duration, StatutoryDays, Unit
from chalicelib.domain.deadlines import DEFAULT_CLOCKS
from chalicelib.domain.errors import ConcurrentChange
from chalicelib.domain.model import Clock, Severity

log = logging.getLogger(__name__)
SETTINGS_TTL = 60  # seconds a process uses the settings it read before it reads them again
HISTORY_SHOWN = 20  # the changes the admin calendar lists, newest first

# the package's holidays (its Holiday enum values, in English) by their Chinese names as the console shows them
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",  # 2015-09-03, a holiday of that year only
}


@lru_cache(maxsize=1)
def statutory_days() -> StatutoryDays:
    """What the package knows, read on first use (the package's tables are a 70 KB module)."""
    import chinese_calendar  # type: ignore[import-untyped]

    return StatutoryDays(
        holidays={day: chinese_name(name) for day, name in chinese_calendar.holidays.items()},
        makeup_workdays={day: chinese_name(name) for day, name in chinese_calendar.workdays.items()},
        known_years=frozenset(day.year for day in chinese_calendar.holidays),
    )


def chinese_name(english: str) -> str:
    """The Chinese name of one of the package's holidays; one it added later keeps the package's own."""
    if english in HOLIDAY_NAMES:
        return HOLIDAY_NAMES[english]
    import chinese_calendar

    try:
        return str(chinese_calendar.Holiday(english).chinese)
    except ValueError:
        return english


@dataclass(frozen=True)
class CalendarSettings:
    """The company's calendar: business hours, the clock table, its own closed and extra working days.
    `revision` 0 is the defaults, never stored; each stored change adds one."""

    timezone: str = "Asia/Shanghai"
    business_start: time = time(9)
    business_end: time = time(18)
    clocks: Mapping[Clock, Mapping[Severity, Duration]] = field(default_factory=lambda: DEFAULT_CLOCKS)
    company_closed: frozenset[date] = frozenset()
    company_workdays: frozenset[date] = frozenset()
    revision: int = 0
    changed_at: datetime | None = None
    changed_by: str | None = None


@dataclass(frozen=True)
class SettingsChange:
    """One stored change: its revision, when, by whom, and what changed (field -> from/to, or added/removed)."""

    revision: int
    at: datetime
    by: str
    changes: Mapping[str, Any]


class CalendarStore:
    def __init__(
        self,
        client: Any,
        table_name: str,
        ttl: float = SETTINGS_TTL,
        clock: Callable[[], float] = monotonic.monotonic,
    ):
        self._client = client
        self._table = table_name
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: tuple[float, CalendarSettings] | None = None

    def statutory(self) -> StatutoryDays:
        return statutory_days()

    def current(self) -> CalendarSettings:
        """The settings the clocks use: as read at most `ttl` seconds ago. While the table cannot be read,
        the settings read before serve on (better than none); with none read yet, the error goes up."""
        now = self._clock()
        with self._lock:
            cached = self._cached
        if cached and now - cached[0] < self._ttl:
            return cached[1]
        try:
            found = self.stored()
        except (BotoCoreError, ClientError) as error:
            if cached is None:
                raise
            log.warning("calendar settings unreadable, serving those read before: %s", type(error).__name__)
            return cached[1]
        with self._lock:
            self._cached = (now, found)
        return found

    def current_if_readable(self) -> CalendarSettings | None:
        """`current()`, or None while the table cannot be read and no settings were read before."""
        try:
            return self.current()
        except (BotoCoreError, ClientError):
            return None

    def forget(self) -> None:
        """Read the settings again on the next `current()` (this process just changed them)."""
        with self._lock:
            self._cached = None

    def stored(self) -> CalendarSettings:
        """The settings as stored now (the defaults, revision 0, when none were ever stored)."""
        response = self._client.get_item(
            TableName=self._table, Key=to_item({"pk": keys.CALENDAR_SETTINGS, "sk": keys.META}), ConsistentRead=True
        )
        return _settings(from_item(response["Item"])) if "Item" in response else CalendarSettings()

    def put(self, settings: CalendarSettings, change: SettingsChange) -> None:
        """Store `settings` (its revision is the new one, `change.revision`) with its change, on the condition
        that the stored revision is still the one before; ConcurrentChange otherwise."""
        read = change.revision - 1
        current: dict[str, Any] = {
            "TableName": self._table,
            "Item": to_item({**_item(settings), "revision": change.revision}),
        }
        if read:
            current["ConditionExpression"] = "revision = :read"
            current["ExpressionAttributeValues"] = to_item({":read": read})
        else:
            current["ConditionExpression"] = "attribute_not_exists(pk)"
        history = {
            "TableName": self._table,
            "Item": to_item(_change_item(change)),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
        try:
            self._client.transact_write_items(TransactItems=[{"Put": current}, {"Put": history}])
        except self._client.exceptions.TransactionCanceledException as error:
            if "ConditionalCheckFailed" in cancellation_codes(error):
                raise ConcurrentChange("calendar settings") from error
            raise
        self.forget()

    def history(self, limit: int = HISTORY_SHOWN) -> list[SettingsChange]:
        """The last changes, newest first (one Query of the settings' partition)."""
        response = self._client.query(
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :change)",
            ExpressionAttributeValues=to_item({":pk": keys.CALENDAR_SETTINGS, ":change": keys.CHANGE}),
            ScanIndexForward=False,
            Limit=limit,
            ConsistentRead=True,
        )
        return [_change(from_item(i)) for i in response["Items"]]


def _item(s: CalendarSettings) -> dict[str, Any]:
    return {
        "pk": keys.CALENDAR_SETTINGS,
        "sk": keys.META,
        "type": "calendar_settings",
        "timezone": s.timezone,
        "business_start": f"{s.business_start:%H:%M}",
        "business_end": f"{s.business_end:%H:%M}",
        "clocks": {
            clock.value: {sev.value: {"amount": _number(d.amount), "unit": d.unit.value} for sev, d in by.items()}
            for clock, by in s.clocks.items()
        },
        "company_closed": sorted(d.isoformat() for d in s.company_closed),
        "company_workdays": sorted(d.isoformat() for d in s.company_workdays),
        "changed_at": s.changed_at,
        "changed_by": s.changed_by,
    }


def _settings(item: dict[str, Any]) -> CalendarSettings:
    clocks = {clock: dict(by) for clock, by in DEFAULT_CLOCKS.items()}  # a clock added since keeps its default
    for clock, by in (item.get("clocks") or {}).items():
        if clock in _CLOCKS:
            clocks.setdefault(Clock(clock), {}).update(
                {Severity(sev): Duration(float(d["amount"]), Unit(d["unit"])) for sev, d in by.items()}
            )
    return CalendarSettings(
        timezone=item.get("timezone") or "Asia/Shanghai",
        business_start=time.fromisoformat(item["business_start"]),
        business_end=time.fromisoformat(item["business_end"]),
        clocks=clocks,
        company_closed=frozenset(date.fromisoformat(d) for d in item.get("company_closed") or ()),
        company_workdays=frozenset(date.fromisoformat(d) for d in item.get("company_workdays") or ()),
        revision=int(item.get("revision", 0)),
        changed_at=parse_time(item.get("changed_at")),
        changed_by=item.get("changed_by"),
    )


_CLOCKS = {c.value for c in Clock}


def _change_item(c: SettingsChange) -> dict[str, Any]:
    return {
        "pk": keys.CALENDAR_SETTINGS,
        "sk": keys.settings_change(c.revision),
        "type": "calendar_change",
        "revision": c.revision,
        "at": iso(c.at),
        "by": c.by,
        "changes": dict(c.changes),
    }


def _change(item: dict[str, Any]) -> SettingsChange:
    return SettingsChange(int(item["revision"]), parse_required_time(item["at"]), item["by"], _plain(item["changes"]))


def _number(amount: float) -> Decimal:
    return Decimal(str(amount)).normalize() if amount != int(amount) else Decimal(int(amount))


def _plain(value: Any) -> Any:
    """Stored numbers back as int or float (DynamoDB gives Decimal)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
