"""What a change leaves to be carried out after it is stored: the outbox's work, in domain words.

A complaint records effects (`Notify` a role or a person, `Schedule` a clock, `TellCustomer`); the
effects service resolves them into these deliveries (one per recipient, one per clock that moved, one
per message to the customer), the repository stores them with the change, and the delivery service
carries each out exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.domain.model import Clock, MessageKind


@dataclass(frozen=True)
class Notification:
    """One staff member's SMS and e-mail (SNS, filtered on the recipient)."""

    recipient: str
    event: str
    text: str


@dataclass(frozen=True)
class TimerSync:
    """Move the schedule of one of the complaint's clocks from `previous` (the firing time stored before
    the change) to `at` (the one stored with it; None: no schedule). `at_unknown`: an item stored before
    the times were kept with it; its delivery reads the complaint for `at`."""

    clock: Clock
    at: datetime | None = None
    previous: datetime | None = None
    at_unknown: bool = False


@dataclass(frozen=True)
class StaffSync:
    """Make a staff member's log-in (groups, attributes, enabled) and, with `subscriptions`, their SMS
    and e-mail subscriptions match their stored profile."""

    username: str
    subscriptions: bool


@dataclass(frozen=True)
class LinkToken:
    """The token of a link in a customer's message, as it is stored: its keyed hash. `kind` is `status`
    (opens the status page) or `survey` (answers the survey once)."""

    kind: str
    hash: str


@dataclass(frozen=True)
class CustomerMessage:
    """One SMS (`channel` sms, `to` an E.164 mobile) or e-mail (`to` an address) to the complainant.

    The text may hold the access code: it is kept only until the message is sent. `link` is the token
    its link carries, stored with the change that issues it."""

    kind: MessageKind
    channel: str
    to: str
    text: str = field(repr=False)
    subject: str | None = None
    link: LinkToken | None = None


@dataclass(frozen=True)
class DuplicateMark:
    """Mark (or, `linked` False, unmark) the complaint `other` as a possible duplicate of the owner."""

    other: str
    linked: bool


@dataclass(frozen=True)
class Reassignment:
    """Move the owner complaint off `leaving`, if it is still theirs and open: to `to`, or (None) where the
    routing rules send it now (the service queue if nowhere). `by` made the staff change, `reason` says
    which (services/staff_changes.py: what a request leaves for later, one complaint a delivery)."""

    leaving: str
    by: str
    reason: str
    to: str | None = None


Delivery = Notification | TimerSync | StaffSync | CustomerMessage | DuplicateMark | Reassignment
