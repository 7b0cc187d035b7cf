"""Who may use the staff routes beyond the workflow table: record complaints, read the overview.

The state machine (`workflow.TRANSITIONS`) says who may act on a complaint; these rules say
who may record one and who may read the statistics and cluster alerts. A refusal is NotAllowed.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.errors import NotAllowed
from chalicelib.domain.model import Actor, Customer, Role

RECORDERS = frozenset({Role.SERVICE, Role.SALES, Role.MANAGER})  # and admins, as everywhere
# who calls or writes to the complainant, or answers for them, sees how to reach them; quality tests the
# sample and asks for the contact only when it must (the view records that it was shown)
CONTACT_SEERS = frozenset({Role.SERVICE, Role.SALES, Role.MANAGER, Role.LEADER})  # and admins


def require_recorder(actor: Actor) -> Actor:
    """The actor, if they may record complaints from any channel."""
    if not actor.has_any(*RECORDERS):
        raise NotAllowed("only service, sales, manager or admin record complaints")
    return actor


def require_overview(actor: Actor, what: str) -> Actor:
    """The actor, unless a salesperson and nothing else: `what` (statistics, cluster alerts) spans
    every territory, while a salesperson sees only the complaints assigned to them."""
    if actor.roles <= {Role.SALES}:
        raise NotAllowed(f"{what} are for service, quality, managers and leaders")
    return actor


def sees_contact(actor: Actor) -> bool:
    """Whether the actor sees the complainant's name, phone, e-mail and address without asking."""
    return actor.has_any(*CONTACT_SEERS)


def masked_contact(customer: Customer) -> dict[str, Any]:
    """The complainant as quality sees them by default: the surname and the phone's last four digits."""
    phone = customer.phone or ""
    return {
        "name": (customer.name[:1] + "*" * max(len(customer.name) - 1, 1)) if customer.name else None,
        "phone": ("*" * max(len(phone) - 4, 0) + phone[-4:]) if phone else None,
        "email": None,
        "address": None,
    }
