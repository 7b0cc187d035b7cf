"""The contract's error vocabulary and the parsing of request bodies into models.

No Chalice here: `handlers/http.py` turns an ApiError into a response. Messages are
Chinese by default and English for `Accept-Language: en`.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar, overload

from pydantic import BaseModel, TypeAdapter, ValidationError

MAX_BODY_BYTES = 64 * 1024
MAX_DEPTH = 20
M = TypeVar("M")
B = TypeVar("B", bound=BaseModel)


class ApiError(Exception):
    """An answer other than success, as the contract spells it."""

    status = 500
    code = "internal_error"
    message = ("服务器内部错误, 请稍后再试", "Internal error, please try again later")

    def __init__(
        self,
        message: str | None = None,
        fields: list[dict[str, str]] | None = None,
        retry_after: int | None = None,
        **extra: Any,
    ):
        super().__init__(message or self.message[1])
        self.detail = message
        self.fields = fields or []
        self.retry_after = retry_after
        self.extra = extra


class ValidationFailed(ApiError):
    """400: fields that are missing or wrong."""

    status, code, message = (
        400,
        "validation_error",
        ("提交的内容有误, 请检查标出的项目", "The request has invalid fields"),
    )


class Unauthenticated(ApiError):
    """401: no valid login."""

    status, code, message = 401, "unauthenticated", ("请先登录", "Please log in")


class Forbidden(ApiError):
    """403: logged in, but not allowed to do this."""

    status, code, message = 403, "forbidden", ("您没有权限执行此操作", "You are not allowed to do this")


class NotFound(ApiError):
    """404: nothing here (or nothing you may see)."""

    status, code, message = 404, "not_found", ("未找到", "Not found")


class Conflict(ApiError):
    """409: the request collides with what happened meanwhile."""

    status, code, message = 409, "conflict", ("操作冲突, 请刷新后重试", "Conflict: reload and try again")


class InvalidTransition(ApiError):
    """409: the action is not allowed in the complaint's current status."""

    status, code, message = 409, "invalid_transition", ("当前状态下不能执行此操作", "Not allowed in the current status")


class Gone(ApiError):
    """410: it was here, and may no longer be used (a survey link past its time)."""

    status, code, message = 410, "gone", ("链接已过期", "This link has expired")


class TooLarge(ApiError):
    """413: the body is too large."""

    status, code, message = 413, "too_large", ("提交的内容过大", "The request body is too large")


class UnsupportedMediaType(ApiError):
    """415: not JSON."""

    status, code, message = 415, "unsupported_media_type", ("请以 JSON 格式提交", "Send JSON")


class TooManyAttempts(ApiError):
    """429: too many wrong access codes for this complaint; try again later."""

    status, code, message = 429, "too_many_attempts", ("尝试次数过多, 请稍后再试", "Too many attempts, try again later")


class Unavailable(ApiError):
    """503: storage could not be reached; nothing was stored, retry."""

    status, code, message = (
        503,
        "unavailable",
        ("系统繁忙, 您的投诉尚未保存, 请稍后重试", "Busy: nothing was stored, please retry"),
    )


def language(accept_language: str | None) -> str:
    """'en' when English comes first in Accept-Language, else 'zh'."""
    first = (accept_language or "").split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "zh"


def error_body(error: ApiError, lang: str) -> dict[str, Any]:
    message = error.detail if error.detail and lang == "en" else error.message[1 if lang == "en" else 0]
    body: dict[str, Any] = {"code": error.code, "message": message, "fields": error.fields}
    body.update(error.extra)
    return {"error": body}


@overload
def parse_body(model: type[B], raw: bytes | str | None, lang: str) -> B: ...
@overload
def parse_body(model: TypeAdapter[M], raw: bytes | str | None, lang: str) -> M: ...
def parse_body(model: type[BaseModel] | TypeAdapter[Any], raw: bytes | str | None, lang: str) -> Any:
    """Decode, bound and validate a JSON body; every problem names its field.

    A model validates itself, so the schema it builds on first use serves its dumps too (a TypeAdapter
    of it would build a second one); a union comes as a TypeAdapter."""
    data = decode_json(raw, lang)
    validate = model.validate_python if isinstance(model, TypeAdapter) else model.model_validate
    try:
        return validate(data)
    except ValidationError as invalid:
        raise ValidationFailed(fields=field_errors(invalid, lang)) from None


def decode_json(raw: bytes | str | None, lang: str) -> dict[str, Any]:
    raw = raw or b""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_BODY_BYTES:
        raise TooLarge()
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValidationFailed(fields=[_field("body", "invalid_utf8", lang)]) from None
    except (ValueError, RecursionError):
        raise ValidationFailed(fields=[_field("body", "invalid_json", lang)]) from None
    if not isinstance(data, dict):
        raise ValidationFailed(fields=[_field("body", "not_an_object", lang)])
    if _depth(data) > MAX_DEPTH:
        raise ValidationFailed(fields=[_field("body", "too_deep", lang)])
    return data


def field_errors(invalid: ValidationError, lang: str) -> list[dict[str, str]]:
    fields = []
    for error in invalid.errors(include_url=False):
        loc = [str(part) for part in error["loc"]]
        if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
            loc = [*loc, "action"]  # the discriminator itself is what is wrong
        elif len(loc) > 1 and loc[0] in ACTION_TAGS:
            loc = loc[1:]  # discriminated union: the tag is not a field the caller wrote
        path = ".".join(loc) or "body"
        fields.append({"field": path, "message": translate(_kind(error), lang, error.get("ctx"))})
    return fields


def _kind(error: Any) -> str:
    """The error's type; a text's length checked after its own validators (a limit narrowed on an annotated
    text type) comes as a list's too_short/too_long: it is a text's, counted in characters."""
    if error["type"] in ("too_short", "too_long") and isinstance(error.get("input"), str):
        return "string_" + error["type"]
    return str(error["type"])


def _field(field: str, kind: str, lang: str) -> dict[str, str]:
    return {"field": field, "message": translate(kind, lang)}


def _depth(value: Any, level: int = 1) -> int:
    if isinstance(value, dict):
        return max([_depth(v, level + 1) for v in value.values()], default=level)
    if isinstance(value, list):
        return max([_depth(v, level + 1) for v in value], default=level)
    return level


# error type -> (Chinese, English); {name} placeholders come from pydantic's error context
MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("必填", "is required"),
    "string_too_short": ("太短, 至少 {min_length} 个字", "is too short (at least {min_length} characters)"),
    "string_too_long": ("太长, 最多 {max_length} 个字", "is too long (at most {max_length} characters)"),
    "string_pattern_mismatch": ("格式不正确", "has the wrong format"),
    "string_type": ("应为文字", "must be text"),
    "int_parsing": ("应为整数", "must be a whole number"),
    "int_type": ("应为整数", "must be a whole number"),
    "int_from_float": ("应为整数", "must be a whole number"),
    "decimal_parsing": ("应为数字", "must be a number"),
    "decimal_type": ("应为数字", "must be a number"),
    "float_parsing": ("应为数字", "must be a number"),
    "float_type": ("应为数字", "must be a number"),
    "finite_number": ("应为有限的数字", "must be a finite number"),
    "decimal_max_places": ("最多两位小数", "has more than 2 decimal places"),
    "greater_than": ("应大于 {gt}", "must be greater than {gt}"),
    "greater_than_equal": ("应不小于 {ge}", "must be at least {ge}"),
    "less_than_equal": ("应不大于 {le}", "must be at most {le}"),
    "export_too_large": (
        "导出的投诉过多, 请缩小时间范围或增加筛选条件",
        "too many complaints to export: narrow the period or add filters",
    ),
    "period": ("应不早于 from, 且最多晚一年", "must be on or after from, at most a year later"),
    "enum": ("应为以下之一: {expected}", "must be one of {expected}"),
    "literal_error": ("应为以下之一: {expected}", "must be one of {expected}"),
    "bool_type": ("应为是或否", "must be true or false"),
    "bool_parsing": ("应为是或否", "must be true or false"),
    "date_parsing": ("日期格式应为 YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "date_from_datetime_parsing": ("日期格式应为 YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "date_type": ("日期格式应为 YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "datetime_parsing": ("时间格式不正确（ISO 8601, 带时区）", "must be an ISO 8601 time with offset"),
    "datetime_from_date_parsing": ("时间格式不正确（ISO 8601, 带时区）", "must be an ISO 8601 time with offset"),
    "datetime_type": ("时间格式不正确（ISO 8601, 带时区）", "must be an ISO 8601 time with offset"),
    "timezone_aware": ("时间须带时区", "must carry a time zone offset"),
    "extra_forbidden": ("不是可接受的字段", "is not an accepted field"),
    "model_type": ("应为对象", "must be an object"),
    "model_attributes_type": ("应为对象", "must be an object"),
    "dict_type": ("应为对象", "must be an object"),
    "list_type": ("应为列表", "must be a list"),
    "too_long": ("项目太多, 最多 {max_length} 项", "has too many items (at most {max_length})"),
    "union_tag_invalid": ("未知的操作: {tag}", "unknown action {tag}"),
    "union_tag_not_found": ("必填", "is required"),
    "invalid_utf8": ("内容不是有效的 UTF-8 编码", "is not valid UTF-8"),
    "invalid_json": ("不是有效的 JSON", "is not valid JSON"),
    "not_an_object": ("应为 JSON 对象", "must be a JSON object"),
    "too_deep": ("嵌套层次过深", "is nested too deeply"),
    "phone_invalid": ("手机或电话号码无效", "is not a valid phone number"),
    "email_invalid": ("电子邮箱格式不正确", "is not a valid e-mail address"),
    "control_characters": ("含有不允许的控制字符", "contains control characters"),
    "bidi_controls": ("含有不允许的文字方向控制字符", "contains text direction control characters"),
    "consent_required": ("请同意我们为处理投诉使用您的信息", "consent is required to handle the complaint"),
    "sku_or_name_required": ("请填写产品编号或产品名称", "give the product SKU or its name"),
    "date_in_future": ("日期不能晚于今天", "cannot be in the future"),
    "time_in_future": ("时间不能晚于现在", "cannot be in the future"),
    "duplicate_items": ("有重复项", "has duplicate items"),
    "main_category_repeated": ("已是主要问题, 不必再选", "is the main problem already"),
    "amount_required": ("该处理方式需填写金额", "an amount is required for this handling"),
    "not_uploaded": ("照片尚未上传成功", "the photo was not uploaded"),
    "too_large": ("照片超过 10 MB", "the photo is larger than 10 MB"),
    "not_an_image": ("文件不是 JPEG/PNG/WebP 图片", "the file is not a JPEG, PNG or WebP image"),
    "photo_in_use": ("这张照片已用于另一条投诉, 请重新上传", "the photo belongs to another complaint; upload it again"),
    "not_a_salesperson": ("只能分派给业务员", "can only be a salesperson"),
    "return_refused_not_at_fault": (
        "质检结论为非我方责任, 不能退货",
        "a return is refused: the company is not at fault",
    ),
    "invalid_cursor": ("分页游标无效, 请从第一页重新开始", "is not a valid cursor; start again from the first page"),
    "invalid_key": ("应为 1-128 个可打印字符", "must be 1-128 printable characters"),
    "date_range": ("应在 2000 年至 2099 年之间", "must be between the years 2000 and 2099"),
    "received_period": (
        "时间范围最多一年 (不填 received_from 为 92 天前, 不填 received_to 为现在)",
        "the period can span at most a year (received_from defaults to 92 days ago, received_to to now)",
    ),
    "password_policy": (
        "密码至少 {min_length} 位, 须含大写字母、小写字母和数字",
        "must be at least {min_length} characters with upper- and lower-case letters and digits",
    ),
    "password_required": ("新员工须设置初始密码", "is required for a new staff member"),
    "unknown_territory": ("没有这个片区", "is not a known territory"),
    "place_taken": ("该地区已属于其他片区, 请先从那个片区移除", "belongs to another territory; remove it there first"),
    "still_territory_salesperson": (
        "此人仍是片区业务员, 请先更换片区业务员",
        "the person is still a territory's salesperson; change that first",
    ),
    "customer_unreachable": (
        "顾客没有手机号或电子邮箱, 或未同意接收消息: 请电话告知",
        "the customer has no mobile or e-mail, or did not consent: tell them by phone",
    ),
    "admin_only": ("只有管理员可以授予或修改管理员", "only an admin may grant the admin role or edit an admin"),
    "search_too_short": (
        "请输入投诉编号、电话、客户编号, 或姓名的至少 {min} 个字",
        "give a complaint number, a phone, an account id, or at least {min} characters of a name",
    ),
    "time_hhmm": ("时间格式应为 HH:MM（00:00-23:59）", "must be a time HH:MM (00:00-23:59)"),
    "business_hours_order": ("应晚于上班时间 {start}", "must be after start ({start})"),
    "clock_too_long": ("最多 {max} {unit}（约 60 天）", "must be at most {max} {unit} (about 60 days)"),
    "clock_longer_than_days": (
        "{clock} 最多 {max} 个工作小时（60 个工作日, 每天 {day} 小时）",
        "{clock} must be at most {max} business_hours (60 business days of {day} hours)",
    ),
    "closed_and_workday": (
        "{date} 同时是公司休息日, 一天不能既休息又上班",
        "{date} is also a company closed day: a day cannot be both",
    ),
    "calendar_period": ("应不早于 from, 且最多 366 天", "must be on or after from, at most 366 days"),
    "complaint_id": ("应为投诉编号, 如 C-20260101-ABC123", "must be a complaint number such as C-20260101-ABC123"),
    "not_another_complaint": ("应为另一条投诉的编号", "must be the number of another complaint"),
    "account_id": (
        "应为 1-40 个字母、数字或 _ . -, 以字母或数字开头",
        "must be 1-40 letters, digits or _ . -, starting with a letter or digit",
    ),
    "department_code": (
        "应为 1-20 个字母、数字或 -, 以字母或数字开头",
        "must be 1-20 letters, digits or -, starting with a letter or digit",
    ),
    "account_salesperson": ("应为在职的业务员 (有销售角色)", "must be an active member with the sales role"),
    "unknown_department": (
        "没有这个责任部门, 请从责任部门列表中选择 (或先添加它)",
        "is not a responsible department: pick one of the list (or add it first)",
    ),
    "unknown_department_of": ("没有这个责任部门, 可选: {values}", "is not a responsible department; one of: {values}"),
    "department_name_taken": ("已有同名的责任部门", "another department has this name"),
    "not_open": (
        "那条投诉已结案或已被合并, 不能合并进去",
        "that complaint is closed or merged: nothing can be merged into it",
    ),
    # import files (api/import_models.py, services/importing.py)
    "import_not_a_table": (
        "文件既不是 .xlsx 也不是 .csv, 无法读取",
        "the file is neither an .xlsx workbook nor a .csv",
    ),
    "import_xls": (
        "旧版 .xls 文件无法读取, 请在 Excel 中另存为 .xlsx 或 CSV UTF-8",
        "an old .xls file cannot be read: save it as .xlsx or CSV UTF-8",
    ),
    "import_unpacked_too_large": ("文件解压后超过 40 MB", "the workbook unpacks to more than 40 MB"),
    "import_empty": ("文件中没有内容", "the file is empty"),
    "import_unknown_headers": (
        "无法识别第 1 行的标题: 应为员工、片区或客户模板的标题 (用户名 / 片区编号 / 客户编号 ……)",
        "row 1 is not a known header row: use the staff, territory or account template's headers "
        "(username / code / account_id ...)",
    ),
    "import_unknown_column": ("不认识的列, 请删除或改为模板中的标题", "is not a column of the template"),
    "import_duplicate_column": ("这一列在标题中出现了两次", "appears twice in the header row"),
    "import_missing_column": ("缺少这一列", "this column is missing"),
    "import_unknown_role": ("不认识的角色「{role}」, 可用: {expected}", "unknown role '{role}'; use one of {expected}"),
    "import_place_format": (
        "地区「{place}」应写作 省/市 或 省/* (整个省), 多个用 ; 分隔",
        "place '{place}' must be province/city or province/* (the whole province), separated by ;",
    ),
    "import_duplicate_key": ("与第 {first} 行重复", "repeats row {first}"),
    "import_unknown_territory": (
        "没有片区「{code}」(系统和本文件中都没有)",
        "no territory '{code}' (here or in the file)",
    ),
    "import_not_a_salesperson": (
        "「{username}」不是在职的业务员 (系统和本文件中都没有)",
        "'{username}' is not an active salesperson (here or in the file)",
    ),
    "import_manager_only": (
        "经理只能新建或修改客服、业务员和品质人员; 领导和管理员由系统管理员维护",
        "a manager creates and changes service, sales and quality members only; leaders and admins are the admin's",
    ),
    "import_own_roles": ("不能修改自己的角色", "nobody changes their own roles"),
    "import_place_taken": (
        "该地区已属于片区 {territory}, 请先从那个片区移除 (或在本文件中一并修改)",
        "belongs to territory {territory}; remove it there first (or in this file)",
    ),
    "import_place_twice": ("该地区在第 {first} 行也出现了", "also appears in row {first}"),
    "import_place_swap": (
        "片区之间互换地区无法一次导入: 请先导入移出地区的片区, 再导入其余",
        "territories swapping places cannot be imported at once: import the ones giving places up first",
    ),
    "import_changed_meanwhile": (
        "这条记录刚被别人修改, 导入在此停止: 请重新试运行后再导入",
        "someone changed this record meanwhile; the import stopped here: run the dry run again",
    ),
}
DEFAULT_MESSAGE = ("格式不正确", "is not valid")
ACTION_TAGS: set[str] = set()  # filled by staff_models.py with the action names


def translate(kind: str, lang: str, ctx: dict[str, Any] | None = None) -> str:
    """The message of an error kind. A rule's kind may carry its values after a colon
    (`unknown_department:PROD 生产车间, WH 仓库`): the message of `<kind>_of`, with them as {values}."""
    if kind not in MESSAGES and ":" in kind:
        kind, _, values = kind.partition(":")
        kind, ctx = f"{kind}_of", {**(ctx or {}), "values": values}
    pair = MESSAGES.get(kind, DEFAULT_MESSAGE)
    text = pair[1] if lang == "en" else pair[0]
    try:
        return text.format(**{k: v for k, v in (ctx or {}).items()})
    except (KeyError, IndexError):
        return text
