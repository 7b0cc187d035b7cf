"""The customer's messages a change causes: the domain's `TellCustomer` effects as deliveries, each with
its text and the token of its link, and what staff may see of them afterwards.

A link token is made here (random) and only its keyed hash leaves: the repository stores it, with the
message that carries the token, in the change's own transaction.
"""

from __future__ import annotations

from chalicelib.domain import access
from chalicelib.domain import customer_messages as texts
from chalicelib.domain.customer_messages import Reach
from chalicelib.domain.deliveries import CustomerMessage, LinkToken
from chalicelib.domain.model import Complaint, MessageKind, TellCustomer
from chalicelib.services.ports import MessageSettings


def messages_for(complaint: Complaint, settings: MessageSettings) -> list[CustomerMessage]:
    """One message per `TellCustomer` effect, for a customer who can be reached (else none)."""
    to = reach_of(complaint)
    if to is None:
        return []
    return [_message(complaint, e, to, settings) for e in complaint.effects if isinstance(e, TellCustomer)]


def reach_of(complaint: Complaint) -> Reach | None:
    """Where the complaint's customer hears from us: their mobile, else their e-mail; None without consent."""
    return texts.reach(complaint.customer, complaint.consent, _other_mobile)


def _message(c: Complaint, effect: TellCustomer, to: Reach, settings: MessageSettings) -> CustomerMessage:
    token = access.new_link_token()
    signature, base = settings.sms_signature, settings.public_base_url
    if effect.kind is MessageKind.SURVEY:
        link = LinkToken("survey", access.hash_link_token(settings.token_secret, token))
        variants = texts.survey_texts(signature, c.id, texts.survey_link(base, token))
    else:
        link = LinkToken("status", access.hash_link_token(settings.token_secret, token))
        status = texts.status_link(base, token)
        if effect.kind is MessageKind.RECEIVED:
            if effect.access_code is None:
                raise ValueError(f"a receipt for {c.id} without its access code")
            variants = texts.received_texts(signature, c.id, effect.access_code, status)
        else:
            variants = texts.handling_told_texts(signature, c.id, texts.decision_words(c.handling), status)
    if to.channel == "sms":
        return CustomerMessage(effect.kind, "sms", to.address, texts.fit(variants), link=link)
    subject = texts.email_subject(effect.kind, c.id)
    return CustomerMessage(effect.kind, "email", to.address, variants[0], subject=subject, link=link)


def _other_mobile(phone: str) -> bool:
    """Whether a number outside China is a mobile, by libphonenumber's numbering plans (imported for it)."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(phone)
    except phonenumbers.NumberParseException:
        return False
    kinds = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    return phonenumbers.number_type(parsed) in kinds
