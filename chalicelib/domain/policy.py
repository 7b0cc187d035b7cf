"""Who may use the staff routes beyond the workflow table: record complaints, read the overview.

The state machine (`workflow.TRANSITIONS`) says who may act on a complaint; these rules say
who may record one and who may read the statistics and cluster alerts. A refusal is NotAllowed.
"""

from __future__ import annotations

from chalicelib.domain.errors import NotAllowed
from chalicelib.domain.model import Actor, Role

RECORDERS = frozenset({Role.SERVICE, Role.SALES, Role.MANAGER})  # and admins, as everywhere


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
