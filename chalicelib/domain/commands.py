"""What staff ask of a complaint: one frozen command per workflow action, named as an imperative.

Each command carries its action's name, the key of `workflow.TRANSITIONS`. The HTTP layer
builds them from the parsed request body (`api/staff_models.py`), so the rules read typed
attributes, never a request's dict. Amounts, handling types and ratings are normalised here,
so a command built by hand (a test, a script) means what the parsed one means.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from chalicelib.domain.model import HandlingType, Severity, money


@dataclass(frozen=True)
class Command:
    """A staff action on one complaint."""

    action: ClassVar[str]


@dataclass(frozen=True)
class Assign(Command):
    action: ClassVar[str] = "assign"
    assignee: str


@dataclass(frozen=True)
class Contact(Command):
    action: ClassVar[str] = "contact"
    note: str | None = None


@dataclass(frozen=True)
class CloseUnsubstantiated(Command):
    action: ClassVar[str] = "close_unsubstantiated"
    explanation: str


@dataclass(frozen=True)
class SubmitFeedbackForm(Command):
    action: ClassVar[str] = "submit_feedback_form"
    investigation: str
    sample_provided: bool
    certificate_provided: bool
    customer_request: str
    requested_amount: Decimal | None = None


@dataclass(frozen=True)
class RecordQcResult(Command):
    action: ClassVar[str] = "record_qc_result"
    investigation_result: str
    cause_analysis: str
    responsible_department: str
    corrective_actions: str
    preventive_actions: str
    company_at_fault: bool


@dataclass(frozen=True)
class ProposeHandling(Command):
    action: ClassVar[str] = "propose_handling"
    type: HandlingType
    amount: Decimal | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", HandlingType(self.type))
        if self.amount is not None:
            object.__setattr__(self, "amount", money(self.amount))


@dataclass(frozen=True)
class Approve(Command):
    action: ClassVar[str] = "approve"
    note: str | None = None


@dataclass(frozen=True)
class Decline(Command):
    action: ClassVar[str] = "decline"
    note: str


@dataclass(frozen=True)
class NotifyCustomer(Command):
    action: ClassVar[str] = "notify_customer"
    via: str  # phone, sms, letter or visit
    note: str | None = None


@dataclass(frozen=True)
class RecordSatisfaction(Command):
    action: ClassVar[str] = "record_satisfaction"
    rating: int  # 1 (very unhappy) to 5
    comment: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "rating", int(self.rating))


@dataclass(frozen=True)
class Close(Command):
    action: ClassVar[str] = "close"
    note: str | None = None


@dataclass(frozen=True)
class Reopen(Command):
    action: ClassVar[str] = "reopen"
    reason: str


@dataclass(frozen=True)
class Escalate(Command):
    action: ClassVar[str] = "escalate"
    note: str | None = None


@dataclass(frozen=True)
class ResendReceipt(Command):
    """A new access code (the old one stops working) and the receipt message again."""

    action: ClassVar[str] = "resend_receipt"


@dataclass(frozen=True)
class AddNote(Command):
    """A word on the file (the caller rang again about it): history, and the assignee is told."""

    action: ClassVar[str] = "note"
    note: str


@dataclass(frozen=True)
class Merge(Command):
    """This complaint is the same matter as `into`: it is closed as merged, the other goes on."""

    action: ClassVar[str] = "merge"
    into: str
    note: str | None = None


@dataclass(frozen=True)
class NotDuplicate(Command):
    """The possible duplicates marked at intake are separate matters: the mark is cleared."""

    action: ClassVar[str] = "not_duplicate"
    note: str | None = None


@dataclass(frozen=True)
class SetSeverity(Command):
    """Staff judge the complaint more (or less) serious than intake did: the running clocks are rescaled."""

    action: ClassVar[str] = "set_severity"
    severity: Severity
    reason: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "severity", Severity(self.severity))


COMMANDS: dict[str, type[Command]] = {
    c.action: c
    for c in (
        Assign,
        Contact,
        CloseUnsubstantiated,
        SubmitFeedbackForm,
        RecordQcResult,
        ProposeHandling,
        Approve,
        Decline,
        NotifyCustomer,
        RecordSatisfaction,
        Close,
        Reopen,
        Escalate,
        ResendReceipt,
        AddNote,
        Merge,
        NotDuplicate,
        SetSeverity,
    )
}
"""Every command by its action name."""
