"""Words people read for the domain's values, in Chinese and English: the one place for them.

The values themselves are the enums of `model.py`. A value has one wording everywhere: the pages (the
public form, the status page, the staff console), the record (the printed feedback form, the exports),
notifications and statistics all say 数量不够, 商场、超市, 热线电话; the tables list them in the order the
pages offer them.
The pages get their words and lists from `page_words` and `page_vocabulary`, so a new channel, category or
status is added to its enum and its words here, and nowhere else (tests/unit/test_vocabulary.py checks).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

Words = dict[str, tuple[str, str]]  # value -> (Chinese, English)

# --- the record ------------------------------------------------------------------------------------

CATEGORY: Words = {
    "foreign_matter": ("有异物", "Something inside"),
    "odor": ("有异味", "Bad smell"),
    "dusting": ("掉渣、掉粉", "Dust or flakes"),
    "seal_failure": ("封口不牢", "Pack not sealed"),
    "print_defect": ("印刷不良", "Bad printing"),
    "count_shortage": ("数量不够", "Fewer than stated"),
    "weight_short": ("克重不够", "Too light"),
    "label_error": ("标签有误", "Label wrong"),
    "packaging_damage": ("包装破损", "Damaged packaging"),
    "service_attitude": ("服务态度", "Staff attitude"),
    "service_knowledge": ("服务专业性", "Staff knowledge"),
    "other": ("其他问题", "Something else"),
}
CHANNEL: Words = {
    "hotline": ("热线电话", "Hotline"),
    "letter": ("来信", "Letter"),
    "web": ("网上投诉", "Web form"),
    "salesperson": ("业务员", "Salesperson"),
    "distributor": ("经销商", "Distributor"),
    "affiliate": ("关联公司", "Affiliate"),
}
QUANTITY_UNIT: Words = {  # what a product's quantity counts (a complaint about 30 cases, not 30 packs)
    "case": ("箱", "cases"),
    "pack": ("包", "packs"),
    "bundle": ("提", "bundles"),
    "roll": ("卷", "rolls"),
}
SEVERITY: Words = {"critical": ("紧急", "Critical"), "major": ("重要", "Major"), "normal": ("一般", "Normal")}
HANDLING: Words = {  # handling types; a desired resolution is one of them
    "explanation": ("解释说明", "Explanation"),
    "refund": ("退款", "Refund"),
    "exchange": ("换货", "Exchange"),
    "compensation": ("赔偿", "Compensation"),
    "return": ("退货", "Return"),
    "rework": ("返工", "Rework"),
    "other": ("其他", "Other"),
}
STATUS: Words = {
    "received": ("已接收", "Received"),
    "assigned": ("已分派", "Assigned"),
    "investigating": ("调查中", "Investigating"),
    "qc_pending": ("待质检", "Awaiting QC"),
    "qc_done": ("质检完成", "QC done"),
    "pending_approval": ("待审批", "Awaiting approval"),
    "handling_agreed": ("方案已定", "Handling agreed"),
    "customer_notified": ("已告知顾客", "Customer told"),
    "followed_up": ("已回访", "Followed up"),
    "closed": ("已结案", "Closed"),
}
CUSTOMER_TYPE: Words = {
    "consumer": ("消费者", "A consumer"),
    "retailer": ("商场、超市", "A shop or supermarket"),
    "distributor": ("经销商", "A distributor"),
    "hotel": ("酒店、单位", "A hotel or institution"),
    "affiliate": ("关联公司", "An affiliated company"),
    "other": ("其他", "Other"),
}
SERVICE_DIMENSION: Words = {
    "tangibles": ("有形性", "Tangibles"),
    "empathy": ("移情性", "Empathy"),
    "assurance": ("保证性", "Assurance"),
    "responsiveness": ("响应性", "Responsiveness"),
    "reliability": ("可靠性", "Reliability"),
}
NOTIFIED_VIA: Words = {
    "phone": ("电话", "Phone"),
    "sms": ("短信", "SMS"),
    "letter": ("信函", "Letter"),
    "visit": ("拜访", "Visit"),
}
# What the complainant sees: a few plain steps, not the internal statuses.
PUBLIC_STEP = {
    "received": "received",
    "assigned": "received",
    "investigating": "investigating",
    "qc_pending": "quality_testing",
    "qc_done": "investigating",
    "pending_approval": "investigating",
    "handling_agreed": "investigating",
    "customer_notified": "result_ready",
    "followed_up": "result_ready",
    "closed": "closed",
}
PUBLIC_STEP_TEXT: Words = {
    "received": ("已受理, 我们已安排专人处理", "Received: a member of staff has been assigned"),
    "investigating": ("调查中", "Being investigated"),
    "quality_testing": ("质量检测中", "Under quality testing"),
    "result_ready": ("处理结果已告知", "Result ready: you have been told the handling"),
    "closed": ("已结案", "Closed"),
}
PUBLIC_STEPS = tuple(PUBLIC_STEP_TEXT)  # in the order a complaint goes through them

# --- the pages ---------------------------------------------------------------------------------------

CATEGORY_HINT: Words = {  # under each category on the public form
    "foreign_matter": ("脏物、杂质、虫子、刀片等", "dirt, debris, insects, a blade…"),
    "odor": ("例如油漆味", "e.g. smells of paint"),
    "dusting": ("使用时掉纸屑", "paper dust comes off"),
    "seal_failure": ("包装开口、散包", "packs open by themselves"),
    "print_defect": ("颜色太浅、有条纹", "too light, stripes"),
    "count_shortage": ("整箱少包、张数不足", "packs or sheets missing"),
    "weight_short": ("重量低于标示", "weighs less than labelled"),
    "label_error": ("模糊、规格不符、缺厂家信息", "blurred, wrong size, no maker"),
    "packaging_damage": ("外箱或包装破了", "box or wrapping broken"),
    "service_attitude": ("员工态度不好", "staff were unfriendly"),
    "service_knowledge": ("回答不专业、不准确", "wrong or unclear answers"),
    "other": ("以上都不是", "none of the above"),
}
DESIRED_RESOLUTION_ON_PAGES: Words = {
    "explanation": ("给个说法", "An explanation"),
    "exchange": ("换货", "An exchange"),
    "refund": ("退款", "A refund"),
    "compensation": ("赔偿", "Compensation"),
    "return": ("退货", "Return the goods"),
    "other": ("其他", "Something else"),
}
RATING: Words = {
    "5": ("5 很满意", "5 very satisfied"),
    "4": ("4 满意", "4 satisfied"),
    "3": ("3 一般", "3 neutral"),
    "2": ("2 不满意", "2 unhappy"),
    "1": ("1 很不满意", "1 very unhappy"),
}
CLOCK: Words = {
    "first_contact": ("首次联系", "First contact"),
    "resolution": ("处理完成", "Resolution"),
    "callback": ("回访", "Callback"),
    "survey": ("满意度短信", "Survey SMS"),
}
PUBLIC_STEP_ON_PAGES: Words = {
    "received": ("已受理", "Received"),
    "investigating": ("调查中", "Being investigated"),
    "quality_testing": ("质量检测中", "Quality testing"),
    "result_ready": ("已告知处理结果", "Result told to you"),
    "closed": ("已结案", "Closed"),
}
ACTION: Words = {  # the workflow's actions, then what else a complaint's history records
    "assign": ("分派", "Assign"),
    "contact": ("已联系顾客", "Customer contacted"),
    "close_unsubstantiated": ("投诉不成立, 已解释", "Not substantiated: explained"),
    "submit_feedback_form": ("提交顾客意见反馈表", "Submit the feedback form"),
    "record_qc_result": ("录入质检结果", "Record the quality result"),
    "propose_handling": ("提出处理方案", "Propose the handling"),
    "approve": ("批准", "Approve"),
    "decline": ("驳回", "Decline"),
    "notify_customer": ("已告知顾客处理结果", "Customer told the handling"),
    "record_satisfaction": ("记录回访满意度", "Record satisfaction"),
    "close": ("结案", "Close"),
    "reopen": ("重新打开", "Reopen"),
    "escalate": ("升级给经理", "Escalate to the manager"),
    "resend_receipt": ("重发回执短信", "Resend the receipt SMS"),
    "note": ("添加备注", "Add a note"),
    "merge": ("合并为同一投诉", "Merge into another complaint"),
    "not_duplicate": ("不是重复投诉", "Not a duplicate"),
    "contact_viewed": ("查看了顾客联系方式", "Viewed the customer's contact"),
    "set_severity": ("修改级别", "Change the severity"),
    "received": ("登记", "Recorded"),
    "possible_duplicate": ("可能与其他投诉重复", "Possible duplicate"),
    "merged_in": ("合并了另一投诉", "Another complaint merged in"),
    "unroutable": ("无法自动分派", "Could not be routed"),
    "unknown_account": ("未登记的客户编号", "Account id not registered"),
    "erased": ("个人信息已删除", "Personal data erased"),
    "sla_warning": ("期限预警", "Deadline warning"),
    "sla_breached": ("期限已超", "Deadline breached"),
    "callback_due": ("回访到期", "Callback due"),
    "survey_sent": ("已发满意度短信", "Survey sent to the customer"),
    "survey_answered": ("顾客评价了处理结果", "Customer answered the survey"),
    "new_access_code": ("顾客申请了新查询码", "Customer asked for a new access code"),
}
ACTION_FIELD: Words = {
    "assignee": ("分派给 (用户名)", "Assign to (user name)"),
    "note": ("备注", "Note"),
    "explanation": ("向顾客的解释", "Explanation given"),
    "investigation": ("调查情况", "What the investigation found"),
    "sample_provided": ("已提供样品或照片", "Sample or photos provided"),
    "certificate_provided": ("已提供产品合格证", "Product certificate provided"),
    "customer_request": ("顾客要求", "What the customer asks"),
    "requested_amount": ("顾客要求金额 (元)", "Amount asked (yuan)"),
    "investigation_result": ("检测结果", "Test result"),
    "cause_analysis": ("原因分析", "Cause analysis"),
    "responsible_department": ("责任部门", "Responsible department"),
    "corrective_actions": ("纠正措施", "Corrective actions"),
    "preventive_actions": ("预防措施", "Preventive actions"),
    "company_at_fault": ("我方责任", "Company at fault"),
    "type": ("处理方式", "Handling"),
    "amount": ("金额 (元)", "Amount (yuan)"),
    "via": ("告知方式", "Told by"),
    "rating": ("满意度 (1-5)", "Satisfaction (1-5)"),
    "comment": ("顾客意见", "Customer's words"),
    "reason": ("原因", "Reason"),
    "into": ("合并到 (投诉编号)", "Merge into (complaint number)"),
    "severity": ("级别", "Severity"),
}
HISTORY_FIELD: Words = {  # the data of a history entry
    "channel": ("来源", "channel"),
    "severity": ("级别", "severity"),
    "photos": ("照片", "photos"),
    "assignee": ("负责人", "assignee"),
    "from_assignee": ("原负责人", "previous assignee"),
    "territory": ("片区", "territory"),
    "reason": ("原因", "reason"),
    "note": ("备注", "note"),
    "type": ("方式", "handling"),
    "amount": ("金额", "amount"),
    "approval_reasons": ("需审批原因", "needs approval"),
    "via": ("方式", "via"),
    "rating": ("满意度", "rating"),
    "explanation": ("解释", "explanation"),
    "clock": ("期限", "clock"),
    "company_at_fault": ("我方责任", "company at fault"),
    "into": ("合并到", "merged into"),
    "complaint_id": ("投诉编号", "complaint"),
    "complaint_ids": ("投诉编号", "complaints"),
    "from_severity": ("原级别", "from severity"),
    "to_severity": ("新级别", "to severity"),
    "account_id": ("客户编号", "account id"),
}
CUSTOMER_MESSAGE_KIND: Words = {  # what was sent to the customer (the console's customer messages)
    "received": ("受理回执 (编号和查询码)", "Receipt (number and access code)"),
    "handling_told": ("处理结果告知", "Handling told"),
    "survey": ("满意度问卷", "Satisfaction survey"),
}
MESSAGE_CHANNEL: Words = {"sms": ("短信", "SMS"), "email": ("电子邮件", "E-mail")}
MESSAGE_STATE: Words = {
    "pending": ("待发送", "Waiting to be sent"),
    "sent": ("已发送", "Sent"),
    "failed": ("发送失败", "Failed"),
    "opted_out": ("顾客已退订短信", "Customer opted out"),
}
NOTIFICATION_EVENT: Words = {  # what a staff notification is about (its e-mail subject)
    "assigned": ("新投诉待处理", "New complaint"),
    "escalated": ("投诉已升级", "Escalated"),
    "qc_requested": ("待质检", "Quality test requested"),
    "approval_requested": ("处理方案待审批", "Approval requested"),
    "callback_due": ("请回访顾客", "Callback due"),
    "sla_warning": ("期限将到", "Deadline near"),
    "sla_breached": ("已超期限", "Deadline breached"),
    "cluster_alert": ("同批次多起投诉", "Cluster alert"),
    "note_added": ("新备注", "New note"),
    "qc_done": ("质检已完成", "Quality test done"),
    "approval_decided": ("审批结果", "Approval decided"),
    "major_received": ("重要投诉", "Major complaint"),
}
HISTORY_REASON: Words = {  # the reasons the system gives in a complaint's history
    "routing": ("按片区或客户自动分派", "routed by territory or account"),
    "no_route": ("没有匹配的片区或客户", "no territory or account matches"),
    "critical_on_intake": ("登记时判定为紧急", "critical when recorded"),
    "raised_to_critical": ("级别改为紧急", "raised to critical"),
    "deactivated": ("原负责人已停用", "the assignee was deactivated"),
    "territory_changed": ("片区业务员变更", "the territory's salesperson changed"),
    "account_changed": ("客户的业务员变更", "the account's salesperson changed"),
}
APPROVAL_REASON: Words = {
    "return": ("退货须审批", "every return"),
    "retailer_compensation": ("对大型超市的赔偿", "compensation to a large retailer"),
    "over_limit": ("超出业务员赔偿权限", "above the salesperson's limit"),
}

DAY_REASON: Words = {  # why a day of the working calendar is worked or not
    "workday": ("工作日", "Working day"),
    "weekend": ("周末", "Weekend"),
    "holiday": ("法定节假日", "Public holiday"),
    "makeup_workday": ("调休上班", "Make-up working day"),
    "company_closed": ("公司休息日", "Company closed"),
    "company_workday": ("公司加班日", "Company working day"),
}
CLOCK_UNIT: Words = {
    "hours": ("小时", "hours"),
    "business_hours": ("工作小时", "business hours"),
    "business_days": ("个工作日", "working days"),
}
ROLE: Words = {  # the staff's roles, as the admin pages offer them (page_vocabulary's "roles")
    "service": ("客服专员", "Customer service"),
    "sales": ("业务员", "Salesperson"),
    "quality": ("品质管理", "Quality"),
    "manager": ("经理", "Manager"),
    "leader": ("领导 (审批)", "Leader (approvals)"),
    "admin": ("系统管理员", "Administrator"),
}
# the roles a manager grants: services/admin.py's MANAGED_BY_MANAGERS (tests/e2e/test_admin_pages.py checks)
MANAGER_GRANTS = ("service", "sales", "quality")

# Each list the pages offer: the prefix of its words' keys (`st_received`) and its words, in the pages' order.
PAGE_LISTS: dict[str, tuple[str, Words]] = {
    "status": ("st_", STATUS),
    "severity": ("sev_", SEVERITY),
    "channel": ("ch_", CHANNEL),
    "entry_channel": (
        "ch_",
        {
            c: CHANNEL[c]
            for c in (  # the console's entry form: the web form last
                "hotline",
                "letter",
                "salesperson",
                "distributor",
                "affiliate",
                "web",
            )
        },
    ),
    "category": ("cat_", CATEGORY),
    "customer_type": ("ct_", CUSTOMER_TYPE),
    "quantity_unit": ("qu_", QUANTITY_UNIT),
    "account_type": ("at_", {k: CUSTOMER_TYPE[k] for k in CUSTOMER_TYPE if k != "consumer"}),  # a key account's type
    "desired_resolution": ("res_", DESIRED_RESOLUTION_ON_PAGES),
    "handling_type": ("h_", HANDLING),
    "notified_via": ("via_", NOTIFIED_VIA),
    "rating": ("rating_", RATING),
    "clock": ("clock_", CLOCK),
    "public_step": ("step_", PUBLIC_STEP_ON_PAGES),
    "customer_message_kind": ("msg_", CUSTOMER_MESSAGE_KIND),
    "message_channel": ("mch_", MESSAGE_CHANNEL),
    "message_state": ("mst_", MESSAGE_STATE),
    "day_reason": ("dr_", DAY_REASON),
    "history_reason": ("hr_", HISTORY_REASON),
    "clock_unit": ("cu_", CLOCK_UNIT),
}
PAGE_WORDS: tuple[tuple[str, Words], ...] = (
    ("act_", ACTION),
    ("a_", ACTION_FIELD),
    ("hk_", HISTORY_FIELD),
    ("why_", APPROVAL_REASON),
    ("role_", ROLE),
)
HISTORY_VALUES = {  # a history datum whose value is one of a list's: shown in that list's words
    "channel": "channel",
    "severity": "severity",
    "category": "category",
    "type": "handling_type",
    "via": "notified_via",
    "clock": "clock",
    "reason": "history_reason",
    "from_severity": "severity",
    "to_severity": "severity",
}


@dataclass(frozen=True)
class Field:
    """One field of an action's form in the console: its name in the action's body and what it takes."""

    name: str
    kind: str  # line, username, text (several lines), check (a box), yes_no, amount, choice, department
    required: bool = False
    choices: str | None = None  # a choice: the name of its list in PAGE_LISTS
    blank: bool = False  # a choice that starts with "choose" instead of its first value


_NOTE = (Field("note", "text"),)
ACTION_FORMS: dict[str, tuple[Field, ...]] = {
    "assign": (Field("assignee", "username", required=True),),
    "contact": _NOTE,
    "close_unsubstantiated": (Field("explanation", "text", required=True),),
    "submit_feedback_form": (
        Field("investigation", "text", required=True),
        Field("sample_provided", "check"),
        Field("certificate_provided", "check"),
        Field("customer_request", "text", required=True),
        Field("requested_amount", "amount"),
    ),
    "record_qc_result": (
        Field("investigation_result", "text", required=True),
        Field("cause_analysis", "text", required=True),
        Field("responsible_department", "department", required=True),  # one of the managed list
        Field("corrective_actions", "text", required=True),
        Field("preventive_actions", "text", required=True),
        Field("company_at_fault", "yes_no", required=True),
    ),
    "propose_handling": (
        Field("type", "choice", required=True, choices="handling_type", blank=True),
        Field("amount", "amount"),
        *_NOTE,
    ),
    "approve": _NOTE,
    "decline": (Field("note", "text", required=True),),
    "notify_customer": (Field("via", "choice", required=True, choices="notified_via"), *_NOTE),
    "record_satisfaction": (
        Field("rating", "choice", required=True, choices="rating", blank=True),
        Field("comment", "text"),
    ),
    "close": _NOTE,
    "reopen": (Field("reason", "text", required=True),),
    "escalate": _NOTE,
    "resend_receipt": (),  # a new access code and the receipt SMS again: nothing to ask
    "note": (Field("note", "text", required=True),),
    "merge": (Field("into", "line", required=True), *_NOTE),
    "not_duplicate": _NOTE,
    "set_severity": (
        Field("severity", "choice", required=True, choices="severity", blank=True),
        Field("reason", "text", required=True),
    ),
}


def sentence(text: str) -> str:
    """A text as the end of a sentence: its own full stop (or question or exclamation mark) kept, else 。
    added, so that a note someone ended with 。 is not followed by another."""
    text = text.rstrip()
    return text if text.endswith(("。", "！", "？", "!", "?", ".")) else text + "。"


def zh(table: Words, key: str | None) -> str:
    return table.get(key or "", (key or "", key or ""))[0]


def word(table: Words, key: str | None, lang: str) -> str:
    pair = table.get(key or "", (key or "", key or ""))
    return pair[1] if lang == "en" else pair[0]


def quantity(amount: int | None, unit: str | None) -> str | None:
    """A product's quantity as people write it: `30 箱`, or `30` when its unit was not given."""
    if amount is None:
        return None
    return f"{amount} {zh(QUANTITY_UNIT, unit)}" if unit else str(amount)


def page_words(lang: str) -> dict[str, str]:
    """The pages' words in one language, keyed as the pages look them up (`st_received`, `cat_odor_hint`)."""
    pick = 1 if lang == "en" else 0
    words: dict[str, str] = {}
    for prefix, table in (*PAGE_LISTS.values(), *PAGE_WORDS):
        words.update({prefix + key: pair[pick] for key, pair in table.items()})
    words.update({f"cat_{key}_hint": pair[pick] for key, pair in CATEGORY_HINT.items()})
    return words


def page_vocabulary() -> dict[str, Any]:
    """What the pages' scripts list: each list's values in order with its words' prefix, the fields of each
    action's form, and which list a history datum's value belongs to."""
    return {
        "lists": {name: {"prefix": prefix, "values": list(table)} for name, (prefix, table) in PAGE_LISTS.items()},
        "actions": {name: [asdict(f) for f in fields] for name, fields in ACTION_FORMS.items()},
        "history_values": dict(HISTORY_VALUES),
        # not a list of PAGE_LISTS: the scripts name roles to decide what to show, which such a list forbids
        "roles": {"prefix": "role_", "values": list(ROLE), "manager_grants": list(MANAGER_GRANTS)},
    }
