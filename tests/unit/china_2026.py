"""China's statutory calendar for 2026 as the State Council's notice gives it (the days chinesecalendar 1.11
lists), written out by hand: the tests do not depend on the package the adapter reads it from."""
from __future__ import annotations

from datetime import date, timedelta

from chalicelib.domain.calendar import StatutoryDays, WorkCalendar


def _span(first: date, last: date, name: str) -> dict[date, str]:
    return {first + timedelta(days=n): name for n in range((last - first).days + 1)}


HOLIDAYS_2026 = {
    **_span(date(2026, 1, 1), date(2026, 1, 3), "元旦"),
    **_span(date(2026, 2, 15), date(2026, 2, 23), "春节"),
    **_span(date(2026, 4, 4), date(2026, 4, 6), "清明节"),
    **_span(date(2026, 5, 1), date(2026, 5, 5), "劳动节"),
    **_span(date(2026, 6, 19), date(2026, 6, 21), "端午节"),
    **_span(date(2026, 9, 25), date(2026, 9, 27), "中秋节"),
    **_span(date(2026, 10, 1), date(2026, 10, 7), "国庆节"),
}
MAKEUP_WORKDAYS_2026 = {
    date(2026, 1, 4): "元旦",  # Sunday
    date(2026, 2, 14): "春节",  # Saturday
    date(2026, 2, 28): "春节",  # Saturday
    date(2026, 5, 9): "劳动节",  # Saturday
    date(2026, 9, 20): "国庆节",  # Sunday
    date(2026, 10, 10): "国庆节",  # Saturday
}
CHINA_2026 = StatutoryDays(HOLIDAYS_2026, MAKEUP_WORKDAYS_2026, frozenset({2026}))
CALENDAR_2026 = WorkCalendar(CHINA_2026)
