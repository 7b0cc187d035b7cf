"""What can go wrong in the domain, in domain words (the HTTP layer maps these to responses)."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every rule the domain refuses to break."""


class ComplaintNotFound(DomainError):
    """No such complaint (or the access code does not open it)."""


class NotAllowed(DomainError):
    """This actor may not do this (wrong role, or not the assignee)."""


class InvalidTransition(DomainError):
    """The action is not allowed in the complaint's current status."""

    def __init__(self, message: str, allowed: list[str] | None = None):
        super().__init__(message)
        self.allowed = allowed or []


class RuleViolation(DomainError):
    """The command is well-formed but breaks a business rule; `field` names what to fix."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class ConcurrentChange(DomainError):
    """Someone else changed the complaint since it was read."""


class PhotoTaken(DomainError):
    """An uploaded photo is already attached to another complaint; `index` is its place in the request."""

    def __init__(self, index: int):
        super().__init__("photo already attached to a complaint")
        self.index = index


class AlreadyDone(DomainError):
    """The action would change nothing: it was just done (a double-sent request, a twin)."""


class IdempotencyKeyReused(DomainError):
    """The same Idempotency-Key came with a different request body."""


class TooManyAttempts(DomainError):
    """Too many wrong access codes for one complaint: look-ups are refused for a while."""

    def __init__(self, retry_after_seconds: int):
        super().__init__("too many wrong access codes")
        self.retry_after_seconds = retry_after_seconds


class Unauthenticated(DomainError):
    """No valid staff token came with the request."""


class InvalidCredentials(DomainError):
    """Wrong username or password (or the account cannot log in yet)."""


class LinkExpired(DomainError):
    """The survey link is older than it may be answered."""
