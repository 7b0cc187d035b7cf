"""What SNS and SES would have sent, read from the local AWS (moto), for `GET /dev/outbox`.

Staff messages are the topic's publishes as its subscriptions receive them; customer messages are the
SMS published straight to a phone number (`Publish(PhoneNumber=...)`, which moto keeps as `sns.SMS`
models) and the e-mails SES sent (`ses.Message`, `ses.RawMessage`), read from moto's model data.
"""
from __future__ import annotations

import email
import email.policy
import html
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from chalicelib.adapters.notifier import Notifier
from infra.local_aws import SENT_PATH, sent_notifications


def sent_messages(notifier: Notifier, topic_arn: str, endpoint_url: str | None) -> list[dict[str, Any]]:
    """Every SMS and e-mail the topic's publishes would have produced, oldest first.

    moto records each publish; a publish reaches the current subscriptions whose
    `recipient` filter matches, as in AWS.
    """
    subscriptions = notifier.subscriptions()
    messages = []
    for message_id, body, subject, attributes, _ in _published(topic_arn, endpoint_url):
        attrs = {k: v.get("Value") for k, v in (attributes or {}).items()}
        texts = _texts(body)
        for sub in subscriptions:
            if all(attrs.get(name) in allowed for name, allowed in sub["filter"].items()):
                protocol = sub["protocol"]
                messages.append({"channel": protocol, "to": sub["endpoint"], "subject": subject,
                                 "text": texts.get(protocol, texts.get("default")),
                                 "message_id": message_id, **attrs})
    return messages


def _published(topic_arn: str, endpoint_url: str | None) -> list[list[Any]]:
    """The topic's publishes: straight from moto's memory when moto runs in this process (the
    tests), else from the local AWS process (`infra/local_aws.py`, which `make run` starts)."""
    in_process = sent_notifications(topic_arn)
    if in_process is not None or not endpoint_url:
        return in_process or []
    query = urllib.parse.urlencode({"topic": topic_arn})
    try:
        with urllib.request.urlopen(f"{endpoint_url.rstrip('/')}{SENT_PATH}?{query}", timeout=30) as response:
            return json.load(response)["sent"]
    except urllib.error.HTTPError as error:
        if error.code == 404:  # no such topic (yet): nothing was sent
            return []
        raise


def _texts(body: str) -> dict[str, str]:
    try:
        parsed = json.loads(body)
    except ValueError:
        return {"default": body}
    return parsed if isinstance(parsed, dict) else {"default": body}


MODEL_DATA_PATH = "/moto-api/data.json"
# the links of a customer's message: absolute, or a path of the site's (status link, survey link)
LINK = re.compile(r"https?://[A-Za-z0-9._~:/?#@!$&*+,;=%-]*[A-Za-z0-9/_=&%~-]|(?<![A-Za-z0-9_/.])/(?:s/|survey\?t=)[A-Za-z0-9_?=&-]+")


def customer_messages(endpoint_url: str | None) -> list[dict[str, Any]]:
    """Every SMS sent to a phone number and every e-mail sent through SES, oldest first (moto keeps no
    time, only the order), each with the links its text holds."""
    models = _models(endpoint_url)
    found = [
        {"channel": "sms", "to": sms.get("phone_number"), "subject": None, "text": sms.get("message") or "",
         "message_id": sms.get("message_id")}
        for sms in models.get(("sns", "SMS"), [])
    ]
    found += [_email(message) for message in models.get(("ses", "Message"), []) + models.get(("ses", "RawMessage"), [])]
    for message in found:
        message["links"] = LINK.findall(message["text"])
    return found


def _models(endpoint_url: str | None) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The instances of the models asked for, as moto's `/moto-api/data.json` shows them (their JSON-able
    attributes): from the local AWS process, or from this one's moto when there is no endpoint."""
    wanted = (("sns", "SMS"), ("ses", "Message"), ("ses", "RawMessage"))
    if endpoint_url:
        with urllib.request.urlopen(f"{endpoint_url.rstrip('/')}{MODEL_DATA_PATH}", timeout=30) as response:
            data = json.load(response)
        return {(service, name): data.get(service, {}).get(name, []) for service, name in wanted}
    from moto.core.model_instances import model_data

    return {
        (service, name): [_attributes(i) for i in getattr(model_data[service].get(name), "instances_tracked", [])]
        for service, name in wanted
    }


def _attributes(instance: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(instance).items() if not k.startswith("_")}


def _email(message: dict[str, Any]) -> dict[str, Any]:
    destinations = message.get("destinations") or []
    if isinstance(destinations, dict):  # SendEmail: {"ToAddresses": [...], "CcAddresses": [...]}
        destinations = [a for addresses in destinations.values() for a in addresses]
    subject, text = message.get("subject"), message.get("body")
    if "raw_data" in message:  # SendRawEmail: the MIME message itself
        parsed = email.message_from_string(message["raw_data"], policy=email.policy.default)
        subject = str(parsed["subject"] or "")
        body = parsed.get_body(preferencelist=("plain", "html"))
        text = body.get_content() if body is not None else ""
    return {"channel": "email", "to": ", ".join(destinations), "subject": subject, "text": text or "",
            "message_id": message.get("id"), "from": message.get("source")}


def page(staff: list[dict[str, Any]], customers: list[dict[str, Any]]) -> str:
    """The outbox as a page, newest first: the customers' messages as their phone shows them, links to tap
    (to this site, wherever the link's host), then the staff's."""

    def listing(messages: list[dict[str, Any]], list_id: str) -> str:
        if not messages:
            return '<p class="muted">—</p>'
        return f'<ol class="outbox" id="{list_id}">' + "".join(_item(m) for m in reversed(messages)) + "</ol>"

    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>发件箱 (本地) · outbox</title>
<link rel="icon" href="../static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="../static/site.css">
</head>
<body class="public">
<main class="wrap">
<h1>发件箱 (本地) · Outbox</h1>
<p class="lead">本地运行时本应发出的短信和邮件, 最新的在前。What would have been sent, newest first.</p>
<section aria-labelledby="customers-title">
<h2 id="customers-title">发给顾客 · To customers ({len(customers)})</h2>
{listing(customers, "customer-messages")}
</section>
<section aria-labelledby="staff-title">
<h2 id="staff-title">发给员工 · To staff ({len(staff)})</h2>
{listing(staff, "staff-messages")}
</section>
</main>
</body>
</html>
"""


def _item(message: dict[str, Any]) -> str:
    head = " · ".join(str(message[k]) for k in ("channel", "to", "event", "complaint_id") if message.get(k))
    subject = f"<p><strong>{html.escape(message['subject'])}</strong></p>" if message.get("subject") else ""
    channel = html.escape(str(message.get("channel")), quote=True)
    return (f'<li class="card message" data-channel="{channel}"><p class="when">{html.escape(head)}</p>{subject}'
            f'<p class="sms">{_with_links(message.get("text") or "")}</p></li>')


def _with_links(text: str) -> str:
    """The text, escaped, its links made relative to this page (/dev/outbox: the site is one level up)."""
    parts, end = [], 0
    for found in LINK.finditer(text):
        link = urllib.parse.urlsplit(found.group(0))
        path = (link.path or "/") + (f"?{link.query}" if link.query else "")
        href = html.escape(".." + path, quote=True)
        parts += [html.escape(text[end : found.start()]), f'<a href="{href}">{html.escape(found.group(0))}</a>']
        end = found.end()
    return "".join([*parts, html.escape(text[end:])])
