"""Opening a complaint: judge severity, route, start the first-contact clock, tell people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.domain import deadlines
from chalicelib.domain.labels import CATEGORY, SEVERITY, zh
from chalicelib.domain.model import (
    SHANGHAI,
    Category,
    Channel,
    Clock,
    Complaint,
    Customer,
    DesiredResolution,
    MessageKind,
    NotificationEvent,
    Notify,
    Product,
    Role,
    ServiceDimension,
    Severity,
    Status,
    TellCustomer,
)
from chalicelib.domain.routing import Route, unregistered_account
from chalicelib.domain.severity import judge


@dataclass(frozen=True)
class RecordComplaint:
    """Command: record what a complainant told us, from any channel."""

    channel: Channel
    category: Category
    description: str
    customer: Customer
    product: Product
    desired_resolution: DesiredResolution | None = None
    service_dimension: ServiceDimension | None = None
    other_categories: tuple[Category, ...] = ()  # further problems besides `category`, the main one
    received_at: datetime | None = None
    photos: list[str] = field(default_factory=list)
    consent: bool = False  # to the use of their details for handling it, which includes hearing from us


def open_complaint(
    cmd: RecordComplaint,
    complaint_id: str,
    access_code_hash: str,
    route: Route | None,
    recorded_by: str,
    now: datetime,
    policy: deadlines.DeadlinePolicy = deadlines.DEFAULT_POLICY,
    access_code: str | None = None,
    key_account: bool = False,
    repeated: bool = False,
) -> Complaint:
    """The new complaint, routed, its first-contact clock running, the salesperson (or the queue) told;
    with its `access_code`, the receipt goes to the customer too (any channel: it is how a hotline or
    letter customer gets their number). `key_account` (the customer's account is marked as one) and
    `repeated` (the lot has a cluster alert) make it major; a critical one escalates to the manager at
    once, a major one is told to the manager once."""
    complaint = Complaint(
        id=complaint_id,
        channel=cmd.channel,
        status=Status.RECEIVED,
        severity=judge(cmd.category, cmd.description, cmd.customer, cmd.product, key_account, repeated),
        category=cmd.category,
        description=cmd.description,
        customer=cmd.customer,
        product=cmd.product,
        received_at=cmd.received_at or now,
        recorded_at=now,
        recorded_by=recorded_by,
        access_code_hash=access_code_hash,
        consent=cmd.consent,
        desired_resolution=cmd.desired_resolution,
        service_dimension=cmd.service_dimension,
        other_categories=list(cmd.other_categories),
        photos=list(cmd.photos),
    )
    complaint.record(
        now,
        recorded_by,
        "received",
        Status.RECEIVED,
        channel=cmd.channel.value,
        severity=complaint.severity.value,
        photos=len(cmd.photos),
    )
    deadlines.start_clock(complaint, Clock.FIRST_CONTACT, now, policy)
    if route:
        _assign(complaint, route, now)
    else:
        complaint.record(now, "system", "unroutable", reason="no_route")
        complaint.cause(
            Notify(NotificationEvent.ASSIGNED, _queue_text(complaint), role=Role.SERVICE),
            Notify(NotificationEvent.ASSIGNED, _queue_text(complaint), role=Role.MANAGER),
        )
    unregistered = unregistered_account(cmd.customer, route)
    if unregistered:  # kept on the complaint as given; the manager sees 未登记的客户编号 in its history
        complaint.record(now, "system", "unknown_account", account_id=unregistered)
    if complaint.severity is Severity.CRITICAL:
        complaint.escalated = True
        complaint.record(now, "system", "escalate", reason="critical_on_intake")
        complaint.cause(Notify(NotificationEvent.ESCALATED, _critical_text(complaint), role=Role.MANAGER))
    elif complaint.severity is Severity.MAJOR and route:  # unroutable, the manager heard of it already
        complaint.cause(Notify(NotificationEvent.MAJOR_RECEIVED, _major_text(complaint), role=Role.MANAGER))
    if access_code is not None:
        complaint.cause(TellCustomer(MessageKind.RECEIVED, access_code=access_code))
    return complaint


def _assign(complaint: Complaint, route: Route, now: datetime) -> None:
    complaint.assignee = route.salesperson
    complaint.territory = route.territory
    complaint.record(
        now,
        "system",
        "assign",
        Status.ASSIGNED,
        assignee=route.salesperson,
        territory=route.territory,
        reason="routing",
    )
    complaint.cause(Notify(NotificationEvent.ASSIGNED, _assigned_text(complaint), recipient=route.salesperson))


def _summary(c: Complaint) -> str:
    """投诉 C-…（紧急）: 异物, 产品 V2131, 湖南长沙: what is not known is left out."""
    product = c.product.sku or c.product.name
    place = "".join(p for p in (c.customer.province, c.customer.city) if p)
    parts = [zh(CATEGORY, c.category), f"产品 {product}" if product else "", place]
    return f"投诉 {c.id}（{zh(SEVERITY, c.severity)}）: " + ", ".join(p for p in parts if p)


def _due_text(c: Complaint) -> str:
    due = c.deadlines[Clock.FIRST_CONTACT].due_at
    return f"{due.astimezone(SHANGHAI):%m-%d %H:%M}" if due else "-"


def _assigned_text(c: Complaint) -> str:
    """The salesperson must call the customer, so name and phone are in; nothing else personal."""
    return (
        f"【投诉处理】新{_summary(c)}。顾客 {c.customer.name} {c.customer.phone}。请于 {_due_text(c)} 前首次联系顾客。"
    )


def _queue_text(c: Complaint) -> str:
    return f"【投诉处理】待分派{_summary(c)}: 无法自动分派到业务员, 请尽快分派。"


def _critical_text(c: Complaint) -> str:
    return f"【投诉处理】紧急{_summary(c)}, 已升级至经理, 首次联系时限 {_due_text(c)}。"


def _major_text(c: Complaint) -> str:
    assigned = f", 已分派给 {c.assignee}" if c.assignee else ""
    return f"【投诉处理】重要{_summary(c)}{assigned}, 首次联系时限 {_due_text(c)}。"
