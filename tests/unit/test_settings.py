"""Settings (chalicelib/config.py): a deployed stage refuses to start on a missing value or a short key;
the local stage has its defaults; a function given no key refuses to sign."""
from __future__ import annotations

import pytest

from chalicelib import config

KEY = "k" * config.MIN_SECRET_BYTES
DEPLOYED = {
    "STAGE": "prod", "AWS_REGION": "eu-central-1", "TABLE_NAME": "complaints-prod",
    "TOPIC_ARN": "arn:aws:sns:eu-central-1:111122223333:complaints-prod",
    "BUCKET_NAME": "complaints-photos-prod-111122223333", "SCHEDULE_GROUP": "complaints-prod",
    "TIMER_FUNCTION_ARN": "arn:aws:lambda:eu-central-1:111122223333:function:complaints-prod-on_timer",
    "SCHEDULER_ROLE_ARN": "arn:aws:iam::111122223333:role/scheduler", "USER_POOL_ID": "eu-central-1_abc",
    "USER_POOL_CLIENT_ID": "client", "ALLOWED_ORIGIN": "https://form.example",
    "ACCESS_CODE_SECRET": KEY, "CURSOR_SECRET": KEY.upper(), "TOKEN_SECRET": KEY + "t",
    "PUBLIC_BASE_URL": "https://ts.example.cn", "MAIL_FROM": "complaints@example.cn",
}


def settings_from(monkeypatch, variables: dict[str, str]) -> config.Settings:
    for name in list(__import__("os").environ):
        monkeypatch.delenv(name)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    config.settings.cache_clear()
    try:
        return config.settings()
    finally:
        config.settings.cache_clear()


def test_a_deployed_stage_with_every_value_starts(monkeypatch):
    s = settings_from(monkeypatch, DEPLOYED)
    assert (s.stage, s.access_code_secret, s.cursor_secret) == ("prod", KEY, KEY.upper())
    assert s.jwt_issuer == "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_abc"


@pytest.mark.parametrize("variable", ["AWS_REGION", "TABLE_NAME", "TOPIC_ARN", "BUCKET_NAME", "SCHEDULE_GROUP",
                                      "TIMER_FUNCTION_ARN", "SCHEDULER_ROLE_ARN", "USER_POOL_ID",
                                      "USER_POOL_CLIENT_ID", "ALLOWED_ORIGIN", "PUBLIC_BASE_URL", "MAIL_FROM"])
@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_a_deployed_stage_missing_a_value_refuses_to_start_and_names_it(monkeypatch, stage, variable):
    for value in (None, ""):
        variables = {**DEPLOYED, "STAGE": stage}
        if value is None:
            variables.pop(variable)
        else:
            variables[variable] = value
        with pytest.raises(config.SettingsError, match=variable):
            settings_from(monkeypatch, variables)


@pytest.mark.parametrize("variable", ["ACCESS_CODE_SECRET", "CURSOR_SECRET", "TOKEN_SECRET"])
@pytest.mark.parametrize("key", ["", "short", "k" * (config.MIN_SECRET_BYTES - 1), "密" * 10])  # 30 bytes
def test_a_deployed_stage_refuses_a_key_shorter_than_32_bytes(monkeypatch, variable, key):
    with pytest.raises(config.SettingsError, match=variable):
        settings_from(monkeypatch, {**DEPLOYED, variable: key})


def test_a_function_given_no_keys_starts_but_refuses_to_sign(monkeypatch):
    variables = {k: v for k, v in DEPLOYED.items() if k not in ("ACCESS_CODE_SECRET", "CURSOR_SECRET", "TOKEN_SECRET")}
    s = settings_from(monkeypatch, variables)
    for key in ("access_code_secret", "cursor_secret", "token_secret"):
        with pytest.raises(config.SettingsError, match=key.upper()):
            getattr(s, key)


def test_the_local_stage_has_defaults_for_what_the_runner_did_not_set(monkeypatch):
    s = settings_from(monkeypatch, {})
    assert s.is_local and s.table_name == "complaints-local" and s.allowed_origin == "*"
    assert s.access_code_secret and s.cursor_secret and s.access_code_secret != s.cursor_secret
    assert s.token_secret not in (s.access_code_secret, s.cursor_secret)
    assert s.public_base_url == "http://127.0.0.1:8000" and s.sms_signature == "【XX纸业】"
    assert s.region == "us-east-1" and s.topic_arn == ""


def test_the_sms_signature_comes_from_the_environment_and_defaults_to_the_companys(monkeypatch):
    assert settings_from(monkeypatch, DEPLOYED).sms_signature == "【XX纸业】"
    assert settings_from(monkeypatch, {**DEPLOYED, "SMS_SIGNATURE": "【某纸业】"}).sms_signature == "【某纸业】"


@pytest.mark.parametrize("url", ["ts.example.cn", "https://ts.example.cn/", "https://" + "x" * 40 + ".cn"])
def test_a_base_url_the_sms_links_could_not_start_with_refuses_to_start(monkeypatch, url):
    with pytest.raises(config.SettingsError, match="PUBLIC_BASE_URL"):
        settings_from(monkeypatch, {**DEPLOYED, "PUBLIC_BASE_URL": url})


def test_a_signature_too_long_for_the_sms_refuses_to_start(monkeypatch):
    with pytest.raises(config.SettingsError, match="SMS_SIGNATURE"):
        settings_from(monkeypatch, {**DEPLOYED, "SMS_SIGNATURE": "【" + "长" * 20 + "】"})
