"""Import files: an .xlsx or .csv read into rows of the staff, territory or account models.

What a sheet holds is told by its header row (row 1): English or the Chinese of the template
(`COLUMNS`). An .xlsx may hold several sheets, each its own kind; a .csv is one sheet. Rows are
numbered as Excel numbers them, blank rows are skipped. Each row becomes its key and its body model
(`StaffIn`, `TerritoryIn`, the accounts' model) or the problems found in it; what a row means for
the stored directory (create, change, unchanged, not allowed) is for services/importing.py.

A CSV in UTF-8 (with or without Excel's BOM), UTF-16 (Excel's "Unicode text") or GB18030 (what Excel
writes on a Chinese Windows) is read; the separator is a comma, or a tab when the header has tabs and
no commas. At most MAX_BYTES and MAX_ROWS data rows; an .xlsx may unpack to at most MAX_UNPACKED.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from chalicelib.api import errors
from chalicelib.api.fields import Model

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# what browsers and tools call a CSV file (Excel on Windows makes it application/vnd.ms-excel), and any file
CSV_TYPES = (
    "text/csv",
    "text/x-csv",
    "application/csv",
    "text/comma-separated-values",
    "text/plain",
    "application/vnd.ms-excel",
)
FILE_TYPES = (XLSX, *CSV_TYPES, "application/octet-stream")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_UNPACKED = 40 * 1024 * 1024  # an .xlsx is a zip: 2 MB of it could unpack to gigabytes
MAX_ROW_NUMBER = 50_000  # blank rows are skipped, but not read without end
LIST_SEPARATORS = (";", "；")
Kind = Literal["staff", "territories", "accounts"]


class ImportTooLarge(errors.ApiError):
    """413: the file is larger than MAX_BYTES."""

    status, code, message = 413, "import_too_large", ("文件过大: 最多 2 MB", "The file is too large: at most 2 MB")


class ImportTooManyRows(errors.ApiError):
    """413: more than MAX_ROWS data rows."""

    status, code, message = (
        413,
        "import_too_many_rows",
        ("行数过多: 最多 2000 行 (不含标题行), 请分成几个文件导入", "Too many rows: at most 2000 (besides the header)"),
    )


class ImportMediaType(errors.ApiError):
    """415: the body is declared as something other than a spreadsheet."""

    status, code, message = (
        415,
        "unsupported_media_type",
        ("请上传 .xlsx 或 .csv 文件", "Send an .xlsx or .csv file"),
    )


class ImportRefused(errors.ApiError):
    """422: the apply of a file with errors: nothing was written."""

    status, code, message = (
        422,
        "import_has_errors",
        ("文件中有错误, 未导入任何内容: 请改正后重新导入", "The file has errors: nothing was imported"),
    )


class ImportStopped(errors.ApiError):
    """409: a write failed part-way (someone changed a row meanwhile): the rows before it were written."""

    status, code, message = (
        409,
        "import_stopped",
        ("导入中途停止, 之前的行已导入: 请重新试运行后再导入同一文件", "The import stopped part-way: run it again"),
    )


class NotAcceptable(errors.ApiError):
    """406: an .xlsx is asked for without an Accept header that takes it (API Gateway would send base64)."""

    status, code, message = (
        406,
        "not_acceptable",
        ("下载 .xlsx 请在 Accept 中写明该类型", f"Ask for the .xlsx with Accept: {XLSX}"),
    )


class ImportParams(Model):
    """`dry_run` (the default): say what the file would do; false: do it, if the file has no errors."""

    dry_run: bool = True


class TemplateParams(Model):
    kind: Literal["staff", "territories", "accounts"]
    format: Literal["xlsx", "csv"] = "xlsx"


def takes_xlsx(accept: str | None) -> bool:
    """Whether the Accept header takes the .xlsx type (API Gateway, and Chalice, send binary only then)."""
    parts = {p.split(";")[0].strip().lower() for p in (accept or "").split(",")}
    return "*/*" in parts or XLSX in parts


# --- the columns of each kind --------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    field: str
    en: str
    zh: str
    optional: bool = False  # the column itself may be left out


COLUMNS: dict[Kind, tuple[Column, ...]] = {
    "staff": (
        Column("username", "username", "用户名"),
        Column("name", "name", "姓名"),
        Column("phone", "phone", "手机"),
        Column("email", "email", "电子邮箱"),
        Column("roles", "roles", "角色"),
        Column("territories", "territories", "片区"),
        Column("compensation_limit", "compensation_limit", "赔偿权限"),
        Column("password", "password", "初始密码", optional=True),  # new members only
    ),
    "territories": (
        Column("code", "code", "片区编号"),
        Column("name", "name", "片区名称"),
        Column("places", "places", "地区"),
        Column("salesperson", "salesperson", "业务员"),
    ),
    "accounts": (
        Column("account_id", "account_id", "客户编号"),
        Column("name", "name", "客户名称"),
        Column("type", "type", "类型"),
        Column("territory", "territory", "片区"),
        Column("salesperson", "salesperson", "业务员"),
        Column("key_account", "key_account", "重点客户"),
    ),
}
KEYS: dict[Kind, str] = {"staff": "username", "territories": "code", "accounts": "account_id"}
EXAMPLES: dict[Kind, tuple[Any, ...]] = {
    "staff": ("sales_zz", "王小明", "13800138001", "wang.xiaoming@example.com", "业务员", "", 300, "Chushi-Mima-2026"),
    "territories": ("HN-ZZ", "湖南株洲片区", "湖南/株洲;湖南/湘潭", "sales_zz"),
    "accounts": ("DIST-ZZ-001", "株洲某某商贸有限公司", "经销商", "HN-ZZ", "sales_zz", "否"),
}
_TRUE = {"是", "重点", "重点客户", "y", "yes", "true", "1", "x", "✓", "√"}
_FALSE = {"否", "不是", "n", "no", "false", "0"}


def _header_key(text: str) -> str:
    """'Account ID', 'account_id' and '客户编号 *' read alike; full-width letters as ASCII."""
    folded = unicodedata.normalize("NFKC", text).strip().rstrip("*").strip().lower()
    return "_".join(folded.replace("-", " ").split())


_BY_HEADER: dict[Kind, dict[str, str]] = {
    kind: {_header_key(h): c.field for c in columns for h in (c.en, c.zh)} for kind, columns in COLUMNS.items()
}


def role_words() -> dict[str, str]:
    """What a roles cell may say for each role: its value, its words in the console, a shorter Chinese word."""
    from chalicelib.domain.labels import ROLE

    words: dict[str, str] = {}
    for value, (zh, en) in ROLE.items():
        for word in (value, zh, zh.split(" (")[0], en):
            words[_header_key(word)] = value
    words.update({"客服": "service", "品质": "quality", "质量": "quality", "管理员": "admin"})
    return words


def account_type_words() -> dict[str, str]:
    from chalicelib.domain.labels import CUSTOMER_TYPE

    words = {_header_key(w): value for value, pair in CUSTOMER_TYPE.items() for w in (value, *pair)}
    words.update({"零售商": "retailer", "酒店": "hotel", "其他": "other", "其它": "other"})
    return words


# --- what the parse gives ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong: where (sheet, Excel row, the column's header and letter) and what (a message kind
    of errors.MESSAGES and its values). A row of None is the file as a whole."""

    row: int | None
    column: str | None
    kind: str
    ctx: dict[str, Any] = field(default_factory=dict)
    sheet: str | None = None
    letter: str | None = None

    def out(self, lang: str) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "row": self.row,
            "column": self.column,
            "message": errors.translate(self.kind, lang, self.ctx),
        }
        if self.letter and self.row:
            answer["cell"] = f"{self.letter}{self.row}"
        if self.sheet:
            answer["sheet"] = self.sheet
        return answer


@dataclass
class Row:
    """One data row: its key (None when the key cell is wrong) and body model (None when a cell is)."""

    number: int
    key: str | None
    body: Any
    problems: list[Problem]


@dataclass
class Sheet:
    kind: Kind
    name: str | None  # the worksheet's name; None for a CSV
    headers: dict[str, tuple[str, int]]  # field -> (the header as written, its column number)
    chinese: bool
    rows: list[Row] = field(default_factory=list)

    def problem(self, row: int | None, fld: str | None, kind: str, **ctx: Any) -> Problem:
        """A problem in this sheet, its column named as the file names it (or as the template would)."""
        header, letter = None, None
        if fld in self.headers:
            written, number = self.headers[fld]
            header, letter = written, _letter(number)
        elif fld:
            column = next(c for c in COLUMNS[self.kind] if c.field == fld)
            header = column.zh if self.chinese else column.en
        return Problem(row, header, kind, ctx, self.name, letter)


@dataclass
class ImportFile:
    sheets: list[Sheet]
    problems: list[Problem]  # of the file or a header row: nothing of the file is applied


# --- reading ---------------------------------------------------------------------------------------


def read_file(raw: bytes | str | None, content_type: str | None) -> ImportFile:
    """The file's sheets and their rows as models, or the problems that keep it from being read."""
    declared = (content_type or "").split(";")[0].strip().lower()
    if declared not in FILE_TYPES:
        raise ImportMediaType()
    data = raw.encode("utf-8") if isinstance(raw, str) else raw or b""
    if len(data) > MAX_BYTES:
        raise ImportTooLarge()
    try:
        tables = list(_tables(data))
    except _Unreadable as unreadable:
        return ImportFile([], [Problem(None, None, unreadable.kind)])
    if sum(max(0, len(rows) - 1) for _, rows in tables) > MAX_ROWS:
        raise ImportTooManyRows()
    sheets, problems = [], list[Problem]()
    for name, rows in tables:
        sheet = _sheet(name, rows, problems)
        if sheet:
            sheets.append(sheet)
    if not sheets and not problems:
        problems.append(Problem(None, None, "import_empty"))
    return ImportFile(sheets, problems)


class _Unreadable(Exception):
    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


Table = tuple[str | None, list[tuple[int, list[Any]]]]  # a sheet's name and its non-blank rows by number


def _tables(data: bytes) -> Iterator[Table]:
    if data.startswith(b"PK\x03\x04"):
        yield from _workbook(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _Unreadable("import_xls")
    else:
        reader = csv.reader(io.StringIO(_decoded(data), newline=""), delimiter=_delimiter(data))
        try:
            yield None, _numbered(reader)
        except csv.Error:
            raise _Unreadable("import_not_a_table") from None


# what openpyxl raises for a zip that is no workbook or a workbook that is broken (XML errors are SyntaxErrors)
_BROKEN = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    OSError,
    EOFError,
    ValueError,
    TypeError,
    SyntaxError,
    IndexError,
    AttributeError,
)


def _workbook(data: bytes) -> Iterator[Table]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED:
                raise _Unreadable("import_unpacked_too_large")
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _BROKEN:
        raise _Unreadable("import_not_a_table") from None
    try:
        for sheet in book.worksheets:
            sheet.reset_dimensions()  # some writers store a wrong used range; read what is there
            yield sheet.title, _numbered(sheet.iter_rows(values_only=True))
    except _BROKEN:
        raise _Unreadable("import_not_a_table") from None
    finally:
        book.close()


def _numbered(rows: Iterable[Iterable[Any]]) -> list[tuple[int, list[Any]]]:
    kept: list[tuple[int, list[Any]]] = []
    for number, values in enumerate(rows, start=1):
        if number > MAX_ROW_NUMBER or len(kept) > MAX_ROWS + 1:
            raise ImportTooManyRows()
        cells = [_cell(v) for v in values]
        if any(c is not None for c in cells):
            kept.append((number, cells))
    return kept


def _decoded(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise _Unreadable("import_not_a_table")


def _delimiter(data: bytes) -> str:
    first = data.split(b"\n", 1)[0].replace(b"\x00", b"")
    return "\t" if b"\t" in first and b"," not in first else ","


def _cell(value: Any) -> Any:
    """A cell as text, or None when blank; True/False and Excel's numbers (a phone typed as a number)
    as their text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, datetime | date):
        value = value.isoformat()
    text = str(value).strip()
    return text or None


def _letter(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)


# --- the header row and the rows -------------------------------------------------------------------


def _sheet(name: str | None, rows: list[tuple[int, list[Any]]], problems: list[Problem]) -> Sheet | None:
    if not rows:
        return None  # an empty sheet: nothing to say
    number, header = rows[0]
    if number != 1:
        problems.append(Problem(1, None, "import_unknown_headers", sheet=name))
        return None
    found = [(k, s) for k, s in KEYS.items() if any(_BY_HEADER[k].get(_header_key(h or "")) == s for h in header)]
    if len(found) != 1:
        problems.append(Problem(1, None, "import_unknown_headers", sheet=name))
        return None
    kind = found[0][0]
    headers: dict[str, tuple[str, int]] = {}
    chinese = any(h and not h.isascii() for h in header)
    sheet = Sheet(kind, name, headers, chinese)
    bad = len(problems)
    for column, text in enumerate(header, start=1):
        if text is None:
            continue
        fld = _BY_HEADER[kind].get(_header_key(text))
        if fld is None:
            problems.append(Problem(1, text, "import_unknown_column", sheet=name, letter=_letter(column)))
        elif fld in headers:
            problems.append(Problem(1, text, "import_duplicate_column", sheet=name, letter=_letter(column)))
        else:
            headers[fld] = (text, column)
    for expected in COLUMNS[kind]:
        if expected.field not in headers and not expected.optional:
            problems.append(sheet.problem(1, expected.field, "import_missing_column"))
    if len(problems) > bad:
        return None
    sheet.rows = [_row(sheet, number, values) for number, values in rows[1:]]
    return sheet


def _row(sheet: Sheet, number: int, values: list[Any]) -> Row:
    cells = {f: values[c - 1] if c <= len(values) else None for f, (_, c) in sheet.headers.items()}
    problems: list[Problem] = []
    body = READERS[sheet.kind](cells, lambda f, k, **ctx: problems.append(sheet.problem(number, f, k, **ctx)))
    key = _key(sheet, number, cells, problems)
    model = _validated(sheet, number, body, problems)
    return Row(number, key, model if not problems else None, problems)


def _key(sheet: Sheet, number: int, cells: dict[str, Any], problems: list[Problem]) -> str | None:
    from chalicelib.api import models

    key_field = KEYS[sheet.kind]
    model = {"staff": models.StaffKey, "territories": models.TerritoryKey}.get(sheet.kind) or _account_key()
    try:
        parsed = model.model_validate({key_field: cells[key_field]} if cells[key_field] else {})
    except ValidationError as invalid:
        problems.extend(_pydantic_problems(sheet, number, invalid))
        return None
    return str(getattr(parsed, key_field))


def _validated(sheet: Sheet, number: int, body: dict[str, Any], problems: list[Problem]) -> BaseModel | None:
    from chalicelib.api import models

    model = {"staff": models.StaffIn, "territories": models.TerritoryIn}.get(sheet.kind) or _account_model()
    try:
        return model.model_validate(body)
    except ValidationError as invalid:
        told = {p.column for p in problems}  # a cell the reader refused is left out of the body: not "missing" too
        problems.extend(p for p in _pydantic_problems(sheet, number, invalid) if p.column not in told)
        return None


def _pydantic_problems(sheet: Sheet, number: int, invalid: ValidationError) -> list[Problem]:
    found = []
    fields = {c.field for c in COLUMNS[sheet.kind]}
    for error in invalid.errors(include_url=False):
        fld = str(error["loc"][0]) if error["loc"] else None
        found.append(sheet.problem(number, fld if fld in fields else None, error["type"], **(error.get("ctx") or {})))
    return found


def _account_key() -> type[BaseModel]:
    from chalicelib.api import models

    return models.AccountKey


def _account_model() -> type[BaseModel]:
    from chalicelib.api import models

    return models.AccountIn


def _listed(text: str | None) -> list[str]:
    if not text:
        return []
    for separator in LIST_SEPARATORS[1:]:
        text = text.replace(separator, LIST_SEPARATORS[0])
    return [part.strip() for part in text.split(LIST_SEPARATORS[0]) if part.strip()]


def _given(cells: dict[str, Any], *names: str) -> dict[str, Any]:
    """The cells that are filled in: a blank required cell is then `missing` (必填)."""
    return {n: cells.get(n) for n in names if cells.get(n) is not None}


def _staff(cells: dict[str, Any], problem: Any) -> dict[str, Any]:
    words = role_words()
    roles: list[str] = []
    for word in _listed(cells.get("roles")):
        role = words.get(_header_key(word))
        if role is None:
            problem("roles", "import_unknown_role", role=word, expected="、".join(_role_names()))
            roles = []
            break
        roles.append(role)
    body = _given(cells, "name", "compensation_limit", "password")
    body.update(phone=cells.get("phone"), email=cells.get("email"), territories=_listed(cells.get("territories")))
    if roles:
        body["roles"] = roles
    return body


def _role_names() -> list[str]:
    from chalicelib.domain.labels import ROLE

    return [zh.split(" (")[0] for zh, _ in ROLE.values()]


def _territory(cells: dict[str, Any], problem: Any) -> dict[str, Any]:
    places: list[dict[str, Any]] = []
    for text in _listed(cells.get("places")):
        parts = [p.strip() for p in text.replace("／", "/").split("/")]
        if len(parts) > 2 or not parts[0]:
            problem("places", "import_place_format", place=text)
            places = []
            break
        city = parts[1] if len(parts) == 2 and parts[1] not in ("", "*", "＊") else None
        places.append({"province": parts[0], "city": city})
    body = _given(cells, "name")
    body["salesperson"] = cells.get("salesperson")
    if places:
        body["places"] = places
    return body


def _account(cells: dict[str, Any], problem: Any) -> dict[str, Any]:
    body = _given(cells, "name", "territory", "salesperson")
    kind = cells.get("type")
    if kind is not None:
        body["type"] = account_type_words().get(_header_key(kind), kind)
    flag = cells.get("key_account")
    if flag is not None and _header_key(flag) not in _TRUE | _FALSE:
        problem("key_account", "bool_parsing")
    body["key_account"] = flag is not None and _header_key(flag) in _TRUE
    return body


READERS = {"staff": _staff, "territories": _territory, "accounts": _account}
