"""How serious a complaint is, judged on intake from what it says and who says it."""

from __future__ import annotations

from chalicelib.domain.model import Category, Customer, CustomerType, Product, Severity

# Safety, health, media and legal words make a complaint critical whatever its category.
CRITICAL_WORDS = (
    "刀片",
    "断刀",
    "刀具",
    "玻璃",
    "碎片",
    "针头",
    "钢针",
    "铁丝",
    "铁钉",
    "金属",
    "尖锐",
    "锋利",
    "划伤",
    "割伤",
    "受伤",
    "出血",
    "过敏",
    "红肿",
    "中毒",
    "住院",
    "医院",
    "生病",
    "媒体",
    "记者",
    "曝光",
    "电视台",
    "报社",
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
    "hospital",
    "poison",
    "media",
    "journalist",
    "newspaper",
    "lawyer",
    "lawsuit",
    "sue ",
    "court",
)
MAJOR_ACCOUNTS = frozenset({CustomerType.HOTEL, CustomerType.RETAILER})
MAJOR_CATEGORIES = frozenset({Category.FOREIGN_MATTER, Category.ODOR})
MAJOR_CUSTOMERS = frozenset({CustomerType.DISTRIBUTOR, CustomerType.AFFILIATE})
BULK_QUANTITY = 10


def judge(category: Category, description: str, customer: Customer, product: Product) -> Severity:
    """critical: danger, health harm, media/legal threat or a major account; major: hygiene,
    trade customers or bulk quantities; otherwise normal."""
    text = description.lower()
    if any(word in text for word in CRITICAL_WORDS) or customer.type in MAJOR_ACCOUNTS:
        return Severity.CRITICAL
    if category in MAJOR_CATEGORIES or customer.type in MAJOR_CUSTOMERS or (product.quantity or 0) >= BULK_QUANTITY:
        return Severity.MAJOR
    return Severity.NORMAL
