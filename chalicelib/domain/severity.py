"""How serious a complaint is, judged on intake from what it says and who says it.

`critical`: safety and health (a blade, glass, a sharp or dangerous foreign object, an injury, an illness,
mould: every product of a tissue maker touches skin or food) and media or legal threats; it escalates
to the manager at once. `major`: a key account (the account is marked so) or a repeated defect (the lot
already has a cluster alert); the manager is told once. `normal` otherwise: who the customer is (a hotel,
a store) does not make a complaint serious by itself.
"""

from __future__ import annotations

from chalicelib.domain.model import Category, Customer, Product, Severity

# Safety, health, media and legal words make a complaint critical whatever its category. Words that are
# parts of harmless words are left out ("针" is in "针对", "rash" in "trash").
CRITICAL_WORDS = (
    # sharp or dangerous foreign objects
    "刀片",
    "断刀",
    "刀具",
    "玻璃",
    "碎片",
    "针头",
    "钢针",
    "缝衣针",
    "铁丝",
    "铁钉",
    "钉子",
    "金属",
    "尖锐",
    "锋利",
    # injury and illness
    "划伤",
    "割伤",
    "扎伤",
    "受伤",
    "出血",
    "流血",
    "过敏",
    "红肿",
    "皮疹",
    "瘙痒",
    "发炎",
    "感染",
    "中毒",
    "腹泻",
    "呕吐",
    "住院",
    "医院",
    "就医",
    "生病",
    # mould on a product that touches skin or food (not "霉" alone: "倒霉" is bad luck)
    "发霉",
    "长霉",
    "霉点",
    "霉斑",
    "霉变",
    "霉菌",
    "霉味",
    # media and legal threats
    "媒体",
    "记者",
    "曝光",
    "电视台",
    "报社",
    "微博",
    "抖音",
    "律师",
    "起诉",
    "法院",
    "消协",
    "12315",
    "工商",
    "质监",
    "blade",
    "glass",
    "needle",
    "metal",
    "sharp",
    "injur",
    "bleed",
    "allerg",
    "illness",
    "sick",
    "hospital",
    "poison",
    "mould",
    "mold",
    "media",
    "journalist",
    "newspaper",
    "lawyer",
    "lawsuit",
    "sue ",
    "court",
)


def judge(
    category: Category,
    description: str,
    customer: Customer,
    product: Product,
    key_account: bool = False,
    repeated: bool = False,
) -> Severity:
    """critical: danger, health harm, mould, a media or legal threat; major: a key account (`key_account`:
    the customer's account is marked as one) or a repeated defect (`repeated`: the lot has a cluster alert);
    otherwise normal. `category`, `customer` and `product` are for rules that need them; none does now."""
    text = description.lower()
    if any(word in text for word in CRITICAL_WORDS):
        return Severity.CRITICAL
    if key_account or repeated:
        return Severity.MAJOR
    return Severity.NORMAL
