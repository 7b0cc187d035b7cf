"""Use cases against in-memory fakes: no AWS, no moto, milliseconds a test."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from chalicelib.domain.intake import RecordComplaint
from chalicelib.domain.model import Category, Channel, Customer, CustomerType, Product, Role, StaffMember
from chalicelib.domain.routing import Route
from tests.services.fakes import FakeAdapters

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # a Tuesday, 10:00 in Shanghai
SALES_CS = StaffMember("sales_cs", "李明", frozenset({Role.SALES}), "+8613900000001", territories=["HN-CS"])
SALES_WH = StaffMember("sales_wh", "王芳", frozenset({Role.SALES}), "+8613900000002", territories=["HB-WH"])
MANAGER = StaffMember("manager1", "陈经理", frozenset({Role.MANAGER}), "+8613900000030")


def odor(**changes) -> RecordComplaint:
    """The contract's own example: paint smell on V2047 bought in Changsha."""
    fields = dict(channel=Channel.WEB, category=Category.ODOR, description="打开后有很大的油漆味, 没办法使用",
                  customer=Customer(name="张先生", phone="+8613800138000", type=CustomerType.CONSUMER,
                                    province="湖南", city="长沙"),
                  product=Product(sku="V2047", name="抽取式面巾 150抽", quantity=1))
    return RecordComplaint(**{**fields, **changes})


@pytest.fixture
def fakes() -> FakeAdapters:
    a = FakeAdapters()
    a.directory.members.update({m.username: m for m in (SALES_CS, SALES_WH, MANAGER)})
    a.directory.routes[("route", "湖南#长沙")] = Route("HN-CS", "sales_cs")
    return a
