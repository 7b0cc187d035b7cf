"""The four real cases of shared/domain.md as complaint bodies (the contract's JSON)."""
from __future__ import annotations

import copy

BLADE = {  # case 1: a broken blade inside face tissue V2131
    "customer": {"name": "张先生", "phone": "13800138000", "type": "consumer", "province": "湖南", "city": "长沙"},
    "product": {"sku": "V2131", "name": "面巾纸", "production_date": "2008-05-20", "batch": "080520-2",
                "purchase_place": "家润多赤岗冲店", "quantity": 1},
    "category": "foreign_matter",
    "description": "打开面巾纸后发现里面有一片断掉的刀片, 差点划伤孩子的手",
    "desired_resolution": "explanation",
    "upload_ids": [],
    "consent": True,
}
HOTEL_NAPKINS = {  # case 2: a five-star hotel in Changsha, napkins printed too light
    "customer": {"name": "王经理", "phone": "0731-84561234", "type": "hotel", "province": "湖南", "city": "长沙",
                 "account_id": "HOTEL-CS-001"},
    "product": {"sku": "N3100", "name": "三层餐巾纸", "batch": "SA82220026", "quantity": 30},
    "category": "print_defect",
    "description": "订单 SA82220026 和 SA83070024 的餐巾纸印刷颜色太浅并有条纹, 塑料袋上没有公司信息, 一批货有三个生产日期",
    "desired_resolution": "return",
    "upload_ids": [],
    "consent": True,
}
SHORT_CASE = {  # case 3: V2047 sealed case opened two packs short
    "customer": {"name": "刘店长", "phone": "+86 139 0731 0000", "type": "retailer", "province": "湖北", "city": "武汉"},
    "product": {"sku": "V2047", "name": "抽取式面巾 150抽", "production_date": "2009-06-01", "quantity": 1},
    "category": "count_shortage",
    "description": "整箱未拆封, 打开后少了两包",
    "desired_resolution": "compensation",
    "upload_ids": [],
    "consent": True,
}
SEAL_OPEN = {  # case 4: V0052 green tissue, side seal open, cannot be sold
    "customer": {"name": "陈先生", "phone": "13512345678", "type": "distributor", "province": "广东", "city": "广州",
                 "account_id": "AFF-GZ-001"},
    "product": {"sku": "V0052", "name": "绿色面巾纸", "production_date": "2009-06-10", "quantity": 20},
    "category": "seal_failure",
    "description": "侧面封口开了, 货没法卖, 共20箱",
    "desired_resolution": "other",
    "upload_ids": [],
    "consent": True,
}
ODOR = {  # the contract's own example
    "customer": {"name": "张先生", "phone": "13800138000", "email": None, "type": "consumer",
                 "province": "湖南", "city": "长沙", "address": None, "account_id": None},
    "product": {"sku": "V2047", "name": "抽取式面巾 150抽", "production_date": "2008-11-29",
                "batch": None, "purchase_place": "家润多赤岗冲店", "quantity": 1},
    "category": "odor",
    "description": "打开后有很大的油漆味, 没办法使用",
    "desired_resolution": "exchange",
    "upload_ids": [],
    "consent": True,
}
ALL = {"blade": BLADE, "hotel_napkins": HOTEL_NAPKINS, "short_case": SHORT_CASE, "seal_open": SEAL_OPEN}


def body(case: dict, **changes) -> dict:
    """A deep copy of a case with top-level fields changed."""
    copied = copy.deepcopy(case)
    copied.update(changes)
    return copied
