"""Words people read: category, status and severity names in Chinese and English."""
from __future__ import annotations

CATEGORY = {
    "foreign_matter": ("异物", "Foreign matter"), "odor": ("异味", "Odour"), "dusting": ("掉渣/掉粉", "Dusting"),
    "seal_failure": ("封口不牢", "Seal failure"), "print_defect": ("印刷不良", "Print defect"),
    "count_shortage": ("数量短缺", "Count shortage"), "weight_short": ("克重不足", "Weight short"),
    "label_error": ("标签错误", "Label error"), "packaging_damage": ("包装破损", "Packaging damage"),
    "service_attitude": ("服务态度", "Service attitude"), "service_knowledge": ("服务专业性", "Service knowledge"),
    "other": ("其他", "Other"),
}
CHANNEL = {"hotline": ("热线", "Hotline"), "letter": ("来信", "Letter"), "web": ("网上表单", "Web form"),
           "salesperson": ("业务员", "Salesperson"), "distributor": ("经销商", "Distributor"),
           "affiliate": ("关联公司", "Affiliate")}
SEVERITY = {"critical": ("紧急", "Critical"), "major": ("重要", "Major"), "normal": ("一般", "Normal")}
HANDLING = {
    "explanation": ("解释说明", "Explanation"), "refund": ("退款", "Refund"), "exchange": ("换货", "Exchange"),
    "compensation": ("赔偿", "Compensation"), "return": ("退货", "Return"), "rework": ("返工", "Rework"),
    "other": ("其他", "Other"),
}
# What the complainant sees: a few plain steps, not the internal statuses.
PUBLIC_STEP = {
    "received": "received", "assigned": "received", "investigating": "investigating",
    "qc_pending": "quality_testing", "qc_done": "investigating", "pending_approval": "investigating",
    "handling_agreed": "investigating", "customer_notified": "result_ready", "followed_up": "result_ready",
    "closed": "closed",
}
PUBLIC_STEP_TEXT = {
    "received": ("已受理, 我们已安排专人处理", "Received: a member of staff has been assigned"),
    "investigating": ("调查中", "Being investigated"),
    "quality_testing": ("质量检测中", "Under quality testing"),
    "result_ready": ("处理结果已告知", "Result ready: you have been told the handling"),
    "closed": ("已结案", "Closed"),
}


def zh(table: dict[str, tuple[str, str]], key: str | None) -> str:
    return table.get(key or "", (key or "", key or ""))[0]


def word(table: dict[str, tuple[str, str]], key: str | None, lang: str) -> str:
    pair = table.get(key or "", (key or "", key or ""))
    return pair[1] if lang == "en" else pair[0]
