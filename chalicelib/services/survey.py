"""The customer's answer to the survey SMS: a rating by `customer`, once per survey link.

The link's token is looked up by its keyed hash (one GetItem) after an attempt is taken from the
caller's guessing quota, as a status look-up is; the answer and the token marked answered are one
transaction, so two answers with one token never both count.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain import access, workflow
from chalicelib.domain.commands import RecordSatisfaction
from chalicelib.domain.customer_messages import SURVEY_ANSWERABLE_DAYS
from chalicelib.domain.errors import AlreadyDone, ComplaintNotFound, ConcurrentChange, LinkExpired, TooManyAttempts
from chalicelib.services.effects import deliveries_for
from chalicelib.services.public import ANY_COMPLAINT, DEFAULT_LIMIT
from chalicelib.wiring import Adapters

ATTEMPTS = 3


def answer(
    token: str,
    rating: int,
    comment: str | None,
    a: Adapters,
    now: datetime,
    client: str | None = None,
    limit: access.GuessLimit = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """Record the rating; 404 for a token we did not issue, 409 for one already answered (or a complaint no
    longer waiting for it), 410 for one older than SURVEY_ANSWERABLE_DAYS."""
    quotas = limit.quotas(ANY_COMPLAINT, access.client_tag(a.settings.access_code_secret, client), now)[:1]
    exhausted = a.attempts.take(quotas)
    if exhausted is not None:
        raise TooManyAttempts(exhausted.seconds_left(now))
    token_hash = access.hash_link_token(a.settings.token_secret, token)
    link = a.complaints.link(token_hash) if access.plausible_link_token(token) else None
    if link is None or link.kind != "survey":
        raise ComplaintNotFound(ANY_COMPLAINT)  # the attempt stays taken
    a.attempts.give_back(quotas)
    if link.used_at is not None:
        raise AlreadyDone("the survey was already answered")
    if now - link.issued_at > timedelta(days=SURVEY_ANSWERABLE_DAYS):
        raise LinkExpired("the survey link has expired")
    for _ in range(ATTEMPTS):
        complaint = a.complaints.get(link.complaint_id)
        if complaint is None:
            raise ComplaintNotFound(link.complaint_id)
        workflow.answer_survey(complaint, RecordSatisfaction(rating, comment), now)
        try:
            a.complaints.save(
                complaint, deliveries_for(complaint, a.directory, a.settings), now, answered_link=token_hash
            )
        except ConcurrentChange:
            continue  # a staff action landed in between: answer again on the fresh state
        return {"complaint_id": complaint.id, "status": complaint.status.value}
    raise ConcurrentChange(link.complaint_id)
