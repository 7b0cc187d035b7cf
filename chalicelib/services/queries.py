"""Staff queries: the complaint list with filters and cursor pagination."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib.adapters.complaints import complaint_from_item
from chalicelib.adapters.dynamo import iso
from chalicelib.domain.deadlines import DeadlinePolicy
from chalicelib.domain.errors import RuleViolation
from chalicelib.domain.listing import ListQuery, plan
from chalicelib.domain.model import STAFF_CLOCKS, Actor, Clock, Complaint, Role
from chalicelib.domain.policy import masked_contact, sees_contact
from chalicelib.services import calendar, people
from chalicelib.services.views import jsonable, time_left
from chalicelib.wiring import Adapters


def list_complaints(query: ListQuery, cursor: str | None, actor: Actor, a: Adapters, now: datetime) -> dict[str, Any]:
    """One page, newest first (most overdue first with overdue=true); a salesperson sees only their own."""
    if actor.roles == {Role.SALES}:
        query = ListQuery(
            {**query.filters, "assignee": actor.username},
            query.overdue,
            query.received_from,
            query.received_to,
            query.limit,
        )
    the_plan = plan(query, now)
    fingerprint = _fingerprint(query)
    tier, after = _open_cursor(cursor, fingerprint, a.settings.cursor_secret) if cursor else (0, None)
    items, position = a.search.page(the_plan, query.limit, tier, after, now_key=iso(now))
    next_cursor = _seal_cursor(position, fingerprint, a.settings.cursor_secret) if position else None
    policy = calendar.policy(a)
    contact = sees_contact(actor)
    staff = people.names(a.directory)
    rows = [summary(complaint_from_item(i), now, policy, contact, staff) for i in items]
    return {"items": rows, "next_cursor": next_cursor}


def summary(
    c: Complaint,
    now: datetime,
    policy: DeadlinePolicy | None = None,
    contact: bool = True,
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What a queue row shows (with `policy`, what each clock has left in its unit; without `contact`, the
    customer's name as quality sees it by default; with `names`, the assignee's name)."""
    running = {  # the running clocks: not stopped, not paused
        clock.value: d.due_at for clock, d in c.deadlines.items() if d.stopped_at is None and d.due_at is not None
    }
    staff_due = [due for clock, due in running.items() if Clock(clock) in STAFF_CLOCKS]  # a survey is no deadline
    overdue = any(due <= now for due in staff_due) or any(d.breached for d in c.deadlines.values())
    return jsonable(
        {
            "complaint_id": c.id,
            "status": c.status,
            "severity": c.severity,
            "category": c.category,
            "channel": c.channel,
            "received_at": c.received_at,
            "assignee": c.assignee,
            "assignee_name": (names or {}).get(c.assignee or ""),
            "territory": c.territory,
            "customer": {
                "name": c.customer.name if contact else masked_contact(c.customer)["name"],
                "type": c.customer.type,
                "city": c.customer.city,
            },
            "product": {"sku": c.product.sku, "name": c.product.name, "batch": c.product.batch},
            "escalated": c.escalated,
            "deadlines": running,
            "overdue": overdue and c.status.value != "closed",
            "left": time_left(c, now, policy) if policy else None,
        }
    )


def _fingerprint(query: ListQuery) -> str:
    """A cursor is only valid for the query that made it."""
    parts = [sorted(query.filters.items()), query.overdue, str(query.received_from), str(query.received_to)]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def _seal_cursor(position: tuple[int, str], fingerprint: str, secret: str) -> str:
    body = json.dumps({"t": position[0], "k": position[1], "q": fingerprint}, separators=(",", ":")).encode()
    mac = hmac.new(secret.encode(), body, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(mac + body).decode().rstrip("=")


def _open_cursor(cursor: str, fingerprint: str, secret: str) -> tuple[int, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        mac, body = raw[:16], raw[16:]
        if not hmac.compare_digest(mac, hmac.new(secret.encode(), body, hashlib.sha256).digest()[:16]):
            raise ValueError("tampered")
        data = json.loads(body)
        if data["q"] != fingerprint:
            raise ValueError("another query")
        return int(data["t"]), str(data["k"])
    except (ValueError, KeyError, TypeError):
        raise RuleViolation("cursor", "invalid_cursor") from None
