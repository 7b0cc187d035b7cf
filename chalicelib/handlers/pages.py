"""The web pages: the public complaint form (`/`), its status page (`/status`, and `/s/<token>` from the
status link in the customer's SMS), the customer's survey (`/survey?t=<token>`) and the staff console
(`/console`), with their static files under `/static/`. Everything comes from chalicelib/web/, so
Chalice packages it with the code; nothing is fetched from elsewhere at run time.

Pages are plain HTML templates with `{{key}}` placeholders filled in the page's language (zh-CN by
default, `?lang=en`) from web/strings.json and, for the domain's values, from `domain/labels.py`, which
also gives the lists the pages offer (`{{vocabulary_json}}` for the scripts, `{{category_choices}}` and
the like for the public form). No inline script or style: the Content-Security-Policy allows only this
origin, plus the photo bucket for uploads and photo links.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from chalice import Blueprint, Response

from chalicelib.config import settings
from chalicelib.domain import labels

bp = Blueprint(__name__)
WEB = Path(__file__).resolve().parent.parent / "web"
STATIC = WEB / "static"
CONTENT_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
_STATIC_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,80}$")
_PLACEHOLDER = re.compile(r"\{\{([a-z0-9_.]+)\}\}")
PAGES = {"form": "form.html", "status": "status.html", "survey": "survey.html", "console": "console.html"}


@bp.route("/", methods=["GET"])
def form_page():
    return _page("form")


@bp.route("/status", methods=["GET"])
def status_page():
    return _page("status")


@bp.route("/s/{token}", methods=["GET"])
def status_link_page(token):
    """The status link of the customer's SMS: the page reads the token from its own path (one level down,
    hence `../` to the static files and the API) and asks for the status with it."""
    return _page("status", root="../", private=True)


@bp.route("/survey", methods=["GET"])
def survey_page():
    return _page("survey", private=True)


@bp.route("/console", methods=["GET"])
def console_page():
    return _page("console")


@bp.route("/static/{name}", methods=["GET"])
def static_file(name):
    path = STATIC / name
    content_type = CONTENT_TYPES.get(path.suffix)
    if not _STATIC_NAME.match(name) or content_type is None or not path.is_file():
        return Response(
            body="not found",
            status_code=404,
            headers={"Content-Type": "text/plain; charset=utf-8", **_security_headers()},
        )
    return Response(
        body=_read(str(path)),
        status_code=200,
        headers={"Content-Type": content_type, "Cache-Control": "public, max-age=300", **_security_headers()},
    )


def _page(name: str, root: str = "./", private: bool = False) -> Response:
    """`private`: the address holds a token (status link, survey link), so no request sends it on as a referrer."""
    query: Mapping[str, str] = bp.current_request.query_params or {}
    lang = "en" if (query.get("lang") or "").lower().startswith("en") else "zh"
    body = render(name, lang, root)
    headers: dict[str, str | list[str]] = {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
        **_security_headers(),
    }
    if private:
        headers["Referrer-Policy"] = "no-referrer"
    return Response(body=body, status_code=200, headers=headers)


def render(name: str, lang: str, root: str = "./") -> str:
    """The page template in one language; `{{strings_json}}` carries every string for the scripts and
    `{{vocabulary_json}}` the lists of values. `{{root}}` is the way from the page's path to the site's
    root (`./`, or `../` for `/s/<token>`), for the static files and, through `data-root`, the API."""
    strings = _strings(lang)
    blocks = {"strings_json": strings, "vocabulary_json": labels.page_vocabulary()}
    template = _read(str(WEB / PAGES[name]))
    strings = {**strings, "root": root}

    def fill(match: re.Match) -> str:
        key = match.group(1)
        if key in blocks:  # inside <script type="application/json">: no '<' may end it early
            return json.dumps(blocks[key], ensure_ascii=False).replace("<", "\\u003c")
        if key.endswith("_choices"):  # one line per value, indented as the placeholder is
            indent = template[template.rfind("\n", 0, match.start()) + 1 : match.start()]
            return _choices(key.removesuffix("_choices"), strings, "\n" + indent)
        return _text(strings, key)

    return _PLACEHOLDER.sub(fill, template)


CHOICES = {  # `{{<list>_choices}}` in the public form: one line for each value of labels.PAGE_LISTS[<list>]
    "category": '<label class="choice"><input type="radio" name="category" value="{value}">'
    "<span><b>{word}</b><small>{hint}</small></span></label>",
    "desired_resolution": '<label class="choice"><input type="radio" name="desired_resolution" value="{value}">'
    "<span><b>{word}</b></span></label>",
    "customer_type": '<option value="{value}">{word}</option>',
    "quantity_unit": '<option value="{value}">{word}</option>',
}


def _choices(name: str, strings: dict[str, str], separator: str) -> str:
    prefix, words = labels.PAGE_LISTS[name]
    return separator.join(
        CHOICES[name].format(
            value=html.escape(value, quote=True),
            word=_text(strings, prefix + value),
            hint=_text(strings, f"{prefix}{value}_hint"),
        )
        for value in words
    )


def _text(strings: dict[str, str], key: str) -> str:
    return html.escape(strings.get(key, key), quote=True)


def _strings(lang: str) -> dict[str, str]:
    table = json.loads(_read(str(WEB / "strings.json")))
    strings = {key: pair[1] if lang == "en" else pair[0] for key, pair in table.items()}
    strings.update(labels.page_words(lang))
    english = lang == "en"
    strings.update(
        {
            "lang": "en" if english else "zh-CN",
            "lang_query": "?lang=en" if english else "",
            "other_lang_query": "" if english else "?lang=en",
            "other_lang_code": "zh-CN" if english else "en",
            "other_lang_name": "中文" if english else "English",
        }
    )
    return strings


@lru_cache(maxsize=64)
def _read(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def _security_headers() -> dict[str, str]:
    bucket = _bucket_origins()
    csp = "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "font-src 'self'",
            f"img-src 'self' blob: data: {bucket}",
            f"connect-src 'self' {bucket}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }


def _bucket_origins() -> str:
    """Where photos go and come from: the local S3 endpoint, or the bucket's AWS host names."""
    config = settings()
    if config.endpoint_url:
        parts = urlsplit(config.endpoint_url)
        return f"{parts.scheme}://{parts.netloc}"
    bucket, region = config.bucket_name, config.region
    return f"https://{bucket}.s3.amazonaws.com https://{bucket}.s3.{region}.amazonaws.com"
