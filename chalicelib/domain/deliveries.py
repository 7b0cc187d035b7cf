"""What a change leaves to be carried out after it is stored: the outbox's work, in domain words.

A complaint records effects (`Notify` a role or a person, `Schedule` a clock); the effects
service resolves them into these deliveries (one per recipient, one per clock that moved), the
repository stores them with the change, and the delivery service carries each out exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.model import Clock


@dataclass(frozen=True)
class Notification:
    """One staff member's SMS and e-mail (SNS, filtered on the recipient)."""

    recipient: str
    event: str
    text: str


@dataclass(frozen=True)
class TimerSync:
    """Make the schedule of one of the complaint's clocks match what the complaint stores."""

    clock: Clock


@dataclass(frozen=True)
class StaffSync:
    """Make a staff member's log-in (groups, attributes, enabled) and, with `subscriptions`, their SMS
    and e-mail subscriptions match their stored profile."""

    username: str
    subscriptions: bool


Delivery = Notification | TimerSync | StaffSync
