"""The complaint export: every complaint the list's filters match, as CSV or XLSX.

Delivery. A small file (at most DIRECT_MAX_ROWS rows and DIRECT_MAX_BYTES bytes) is the
response itself. Anything larger goes to the private bucket under `exports/` and the answer
is a presigned GET link valid 15 minutes: a synchronous Lambda response is capped at 6 MB
(binary bodies travel base64-encoded, a third larger) and API Gateway at 10 MB, while S3
serves any size, resumably. An XLSX file is returned directly only to a request whose
`Accept` names the XLSX type: API Gateway turns the base64 body back into bytes only then.
More than MAX_ROWS matching complaints is refused (narrow the filters): reading them all
would not fit in API Gateway's 29 seconds.

Personal data: exports are for managers, leaders and admins only; they carry the customer's
name and phone as the paper feedback form does; nothing here logs them.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from chalicelib.adapters.complaints import complaint_from_item
from chalicelib.adapters.dynamo import iso
from chalicelib.domain.errors import NotAllowed, RuleViolation
from chalicelib.domain.listing import ListQuery, plan
from chalicelib.domain.model import Actor, Complaint, Role
from chalicelib.domain.reporting import SHANGHAI, local_time, shown
from chalicelib.services import people
from chalicelib.services.export_columns import HEADERS, rows
from chalicelib.wiring import Adapters

log = logging.getLogger(__name__)
EXPORTERS = (Role.MANAGER, Role.LEADER)  # and admin
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": CSV, "xlsx": XLSX}
DIRECT_MAX_ROWS = 2000
DIRECT_MAX_BYTES = 4 * 1024 * 1024
MAX_ROWS = 20000
PAGE_SIZE = 250
LINK_SECONDS = 900
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# where the list separator is ";" (Excel in many locales), a formula sign after one starts a new cell
_FORMULA_AFTER_SEMICOLON = re.compile(r";\s*[=+\-@]")


class ExportStore(Protocol):
    def store(self, name: str, body: bytes, content_type: str, now: datetime) -> str: ...

    def download_url(self, key: str, name: str, expires_in: int = LINK_SECONDS) -> str: ...


@dataclass(frozen=True)
class ExportFile:
    name: str
    content_type: str
    body: bytes
    rows: int


@dataclass(frozen=True)
class Export:
    """Either the file itself or a link to it (with what the link serves)."""

    file: ExportFile | None = None
    link: dict[str, Any] | None = None


def export_complaints(
    query: ListQuery, fmt: str, actor: Actor, a: Adapters, store: ExportStore, now: datetime, binary_ok: bool = True
) -> Export:
    """Every complaint matching `query`, newest first, as one file; see the module docs for the delivery.

    Raises NotAllowed for anyone but managers, leaders and admins, RuleViolation above MAX_ROWS.
    """
    if not actor.has_any(*EXPORTERS):
        raise NotAllowed("only managers, leaders and admins export complaints")
    names = {**people.department_names(a.directory), **people.names(a.directory)}
    counted = _Counter(rows(matching(query, a, now), names))
    body = encode(fmt, counted)
    name = f"complaints-{now.astimezone(SHANGHAI):%Y%m%d-%H%M%S}.{fmt}"
    log.info("export by %s: %d rows %s, filters %s", actor.username, counted.n, fmt, sorted(query.filters))
    if counted.n <= DIRECT_MAX_ROWS and len(body) <= DIRECT_MAX_BYTES and (fmt == "csv" or binary_ok):
        return Export(file=ExportFile(name, CONTENT_TYPES[fmt], body, counted.n))
    key = store.store(name, body, CONTENT_TYPES[fmt], now)
    return Export(
        link={
            "download_url": store.download_url(key, name, LINK_SECONDS),
            "filename": name,
            "format": fmt,
            "rows": counted.n,
            "bytes": len(body),
            "expires_at": (now + timedelta(seconds=LINK_SECONDS)).isoformat(),
        }
    )


def matching(query: ListQuery, a: Adapters, now: datetime, page_size: int = PAGE_SIZE) -> Iterator[Complaint]:
    """Every complaint the list would show for `query`, page by page through the same query plan."""
    the_plan, seen = plan(query, now), 0
    position: tuple[int, str | None] | None = (0, None)
    while position is not None:
        items, position = a.search.page(the_plan, page_size, position[0], position[1], now_key=iso(now))
        for item in items:
            seen += 1
            if seen > MAX_ROWS:
                raise RuleViolation("received_from", "export_too_large")
            yield complaint_from_item(item)


def encode(fmt: str, table: Iterable[list[Any]]) -> bytes:
    return to_xlsx(table) if fmt == "xlsx" else to_csv(table)


def to_csv(table: Iterable[list[Any]]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads it as UTF-8), CRLF lines, user text never a formula."""
    buffer = io.StringIO()
    # every cell quoted: a spreadsheet that splits on ";" then still sees one cell per column
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(HEADERS)
    writer.writerows([_csv_cell(value) for value in values] for values in table)
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value: Any) -> str:
    text = shown(value)
    # a cell that a spreadsheet could read as a formula (CSV injection): keep it text
    return "'" + text if isinstance(value, str) and _formula_like(text) else text


def _formula_like(text: str) -> bool:
    """Starts with a formula sign or a tab or line break, or has one after a ";"; full-width signs count
    (＝＋－＠ and ； are the ASCII ones once NFKC-normalised, and some spreadsheets take them so)."""
    folded = unicodedata.normalize("NFKC", text)
    return folded.startswith(_FORMULA_START) or _FORMULA_AFTER_SEMICOLON.search(folded) is not None


def to_xlsx(table: Iterable[list[Any]]) -> bytes:
    """One sheet, typed cells (times, dates, numbers), every text cell a string, never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("投诉")
    sheet.freeze_panes = "A2"
    for n, header in enumerate(HEADERS, start=1):
        sheet.column_dimensions[_column_letter(n)].width = max(10, min(40, 2.2 * len(header) + 2))
    heading = []
    for header in HEADERS:
        cell = WriteOnlyCell(sheet, header)
        cell.font = Font(bold=True)
        heading.append(cell)
    sheet.append(heading)
    for values in table:
        sheet.append([_xlsx_cell(sheet, value) for value in values])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, local_time(value).replace(tzinfo=None))  # Excel has no time zones
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "0.00"
    elif isinstance(value, str):
        cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # openpyxl would take "=..." for a formula
    else:
        cell = WriteOnlyCell(sheet, value)
    return cell


def _column_letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


class _Counter:
    """Passes rows through and counts them (the file is written while the pages are read)."""

    def __init__(self, table: Iterable[list[Any]]):
        self._table = table
        self.n = 0

    def __iter__(self) -> Iterator[list[Any]]:
        for values in self._table:
            self.n += 1
            yield values
