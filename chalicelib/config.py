"""Settings, read once from the environment and checked before anything uses them.

The same variables are set by the CloudFormation template (infra/template.py) in AWS and by
the local runner on the laptop; nothing else tells the code where it runs. Outside the local
stage nothing has a default: a missing table, topic, pool or role refuses to start rather
than talk to the wrong thing, and a key shorter than `MIN_SECRET_BYTES` refuses rather than
sign access codes or list cursors with it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from chalicelib.domain.clusters import ClusterRule

LOCAL = "local"
MIN_SECRET_BYTES = 32  # an HMAC-SHA256 key: no shorter than the hash
LOCAL_DEFAULTS = {  # the local stage only (a laptop with moto); infra/local_stack.py sets the real ones
    "TABLE_NAME": "complaints-local",
    "BUCKET_NAME": "complaints-photos-local",
    "SCHEDULE_GROUP": "complaints-local",
    "ALLOWED_ORIGIN": "*",
    "AWS_REGION": "us-east-1",
    "ACCESS_CODE_SECRET": "local-only-access-code-key",
    "CURSOR_SECRET": "local-only-cursor-key",
    "TOKEN_SECRET": "local-only-link-token-key",
    "PUBLIC_BASE_URL": "http://127.0.0.1:8000",  # infra/local.py sets the port `make run` serves on
    "MAIL_FROM": "complaints@example.com",  # verified in the local SES by infra/local_stack.py
}
DEFAULT_SMS_SIGNATURE = "【XX纸业】"
MAX_BASE_URL = 40  # with the token, the link must leave room for the text in two SMS segments
MAX_SIGNATURE = 12


class SettingsError(ValueError):
    """The environment lacks a setting the stage needs, or holds a key too short to sign with."""


@dataclass(frozen=True)
class Settings:
    """What this process talks to and signs with. Built by `settings()`; checked when built.

    The keys are given only to the functions that sign with them (infra/template.py `SECRET_USERS`):
    another function holds None, and reading `access_code_secret`, `cursor_secret` or `token_secret`
    there raises SettingsError instead of signing with an empty key.

    The customer's messages start with `sms_signature`, link to `public_base_url` (the site of the
    form and status page, no trailing slash) and go by e-mail from `mail_from` (an SES identity).
    """

    stage: str
    region: str
    table_name: str
    topic_arn: str
    bucket_name: str
    schedule_group: str
    timer_function_arn: str
    scheduler_role_arn: str
    user_pool_id: str
    user_pool_client_id: str
    jwks_url: str
    jwt_issuer: str
    allowed_origin: str
    access_code_key: str | None = None
    cursor_key: str | None = None
    endpoint_url: str | None = None  # the local AWS (moto); None in AWS
    cluster_threshold: int = 3
    cluster_window_days: int = 30
    token_key: str | None = None
    public_base_url: str = ""
    mail_from: str = ""
    sms_signature: str = DEFAULT_SMS_SIGNATURE

    def __post_init__(self) -> None:
        self._check_messages()
        if self.is_local:
            return
        missing = [name for name in _REQUIRED if not getattr(self, name)]
        if missing:
            raise SettingsError(f"stage {self.stage}: no {', '.join(_variable(n) for n in missing)} in the environment")
        for name, variable in _KEYS:
            key = getattr(self, name)
            if key is not None and len(key.encode()) < MIN_SECRET_BYTES:
                raise SettingsError(f"stage {self.stage}: {variable} is shorter than {MIN_SECRET_BYTES} bytes")

    def _check_messages(self) -> None:
        """A signature and a base URL that keep every SMS within two segments (domain/customer_messages.py)."""
        url = self.public_base_url
        if url and (not url.startswith(("https://", "http://")) or url.endswith("/") or len(url) > MAX_BASE_URL):
            raise SettingsError(
                f"stage {self.stage}: PUBLIC_BASE_URL must be http(s)://host[:port] without a trailing slash, "
                f"at most {MAX_BASE_URL} characters"
            )
        if not 0 < len(self.sms_signature) <= MAX_SIGNATURE:
            raise SettingsError(f"stage {self.stage}: SMS_SIGNATURE must be 1-{MAX_SIGNATURE} characters")

    @property
    def access_code_secret(self) -> str:
        """The key of the access codes and their hashes (and of the client tags of the status throttle)."""
        return _given(self.access_code_key, "ACCESS_CODE_SECRET")

    @property
    def cursor_secret(self) -> str:
        """The key that seals the complaint list's cursors."""
        return _given(self.cursor_key, "CURSOR_SECRET")

    @property
    def token_secret(self) -> str:
        """The key of the status and survey links' token hashes."""
        return _given(self.token_key, "TOKEN_SECRET")

    @property
    def cluster_rule(self) -> ClusterRule:
        return ClusterRule(self.cluster_threshold, timedelta(days=self.cluster_window_days))

    @property
    def is_local(self) -> bool:
        return self.stage == LOCAL


_REQUIRED = (
    "region",
    "table_name",
    "topic_arn",
    "bucket_name",
    "schedule_group",
    "timer_function_arn",
    "scheduler_role_arn",
    "user_pool_id",
    "user_pool_client_id",
    "jwks_url",
    "jwt_issuer",
    "allowed_origin",
    "public_base_url",
    "mail_from",
)
_KEYS = (("access_code_key", "ACCESS_CODE_SECRET"), ("cursor_key", "CURSOR_SECRET"), ("token_key", "TOKEN_SECRET"))


def _variable(field: str) -> str:
    return "AWS_REGION" if field == "region" else field.upper()


def _given(key: str | None, variable: str) -> str:
    if key is None:
        raise SettingsError(f"this function was given no {variable}: it signs nothing")
    return key


def stage() -> str:
    """The stage this process runs in, read without the rest of the settings (which a deployed stage
    validates, and which the local-only routes must not need in order to refuse)."""
    return os.environ.get("STAGE", LOCAL)


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The process's settings, read on first use (nothing reads the environment at import)."""
    stage = os.environ.get("STAGE", LOCAL)

    def given(name: str) -> str | None:
        """The variable (None when unset); in the local stage, its local default when unset or empty."""
        value = os.environ.get(name)
        if stage == LOCAL and not value:
            return LOCAL_DEFAULTS.get(name, value)
        return value

    def env(name: str) -> str:
        """As `given`, with "" for None."""
        return given(name) or ""

    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or env("AWS_REGION")
    pool = env("USER_POOL_ID")
    issuer = env("JWT_ISSUER") or f"https://cognito-idp.{region}.amazonaws.com/{pool}"
    return Settings(
        stage=stage,
        region=region,
        table_name=env("TABLE_NAME"),
        topic_arn=env("TOPIC_ARN"),
        bucket_name=env("BUCKET_NAME"),
        schedule_group=env("SCHEDULE_GROUP"),
        timer_function_arn=env("TIMER_FUNCTION_ARN"),
        scheduler_role_arn=env("SCHEDULER_ROLE_ARN"),
        user_pool_id=pool,
        user_pool_client_id=env("USER_POOL_CLIENT_ID"),
        jwks_url=env("JWKS_URL") or f"{issuer}/.well-known/jwks.json",
        jwt_issuer=issuer,
        allowed_origin=env("ALLOWED_ORIGIN"),
        access_code_key=given("ACCESS_CODE_SECRET"),
        cursor_key=given("CURSOR_SECRET"),
        endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None,
        cluster_threshold=int(env("CLUSTER_THRESHOLD") or 3),
        cluster_window_days=int(env("CLUSTER_WINDOW_DAYS") or 30),
        token_key=given("TOKEN_SECRET"),
        public_base_url=env("PUBLIC_BASE_URL"),
        mail_from=env("MAIL_FROM"),
        sms_signature=env("SMS_SIGNATURE") or DEFAULT_SMS_SIGNATURE,
    )
