"""How the printed and exported record shows values (the feedback form and the export files).

The words of the values are in `labels.py`; times are shown in Asia/Shanghai, where the people
reading the paper and the spreadsheets work. Standard library only.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, overload

from chalicelib.domain.model import SHANGHAI


@overload
def local_time(value: datetime) -> datetime: ...
@overload
def local_time(value: datetime | str | None) -> datetime | None: ...
def local_time(value: datetime | str | None) -> datetime | None:
    """A stored moment (aware datetime or ISO text) as Shanghai wall-clock time."""
    if value is None or value == "":
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(SHANGHAI)


def label(table: dict[str, tuple[str, str]], key: Any) -> str | None:
    """The Chinese word for a stored value; None stays empty, an unknown value shows as it is."""
    if key is None or key == "":
        return None
    return table.get(str(key), (str(key),))[0]


def yes_no(value: bool | None) -> str | None:
    return None if value is None else ("是" if value else "否")


def shown(value: Any) -> str:
    """One value as text on paper or in a CSV cell: times to the minute in Shanghai, money with two places."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_time(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)
