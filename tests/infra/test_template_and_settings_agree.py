"""The template's resources and the app's settings (chalicelib/config.py) agree.

Every function gets the variables config.py reads, each pointing at a resource of the same
template; a setting left at its default must not be a local-only default; only the function that
signs gets the keys (config.py refuses a deployed stage that lacks a resource or has a short key).
"""
import json
from pathlib import Path

import pytest

from chalicelib import config, resources
from infra import policies
from infra.template import FUNCTIONS, SECRET_USERS, SECRETS, merge_template

ROOT = Path(__file__).resolve().parents[2]
REGION = "eu-central-1"


def rendered(value, stage):
    """A value with its intrinsic functions replaced by recognisable placeholders."""
    if isinstance(value, dict) and len(value) == 1:
        (kind, arg), = value.items()
        if kind == "Ref":
            return {"Stage": stage, "AllowedOrigin": "https://form.example", "PublicBaseUrl": "https://ts.example",
                    "SmsSignature": "【某纸业】"}.get(arg, f"<{arg}>")
        if kind == "Fn::GetAtt":
            return f"<{arg[0]}.{arg[1]}>"
        if kind == "Fn::Sub":
            text = arg.replace("${AWS::Region}", REGION).replace("${AWS::URLSuffix}", "amazonaws.com")
            return text.replace("${AWS::Partition}", "aws").replace("${AWS::AccountId}", "111122223333") \
                       .replace("${", "<").replace("}", ">")
    return value


def settings_of(variables: dict, monkeypatch) -> config.Settings:
    for name in list(__import__("os").environ):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_REGION", REGION)  # Lambda sets it
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    config.settings.cache_clear()
    try:
        return config.settings()
    finally:
        config.settings.cache_clear()


def defaults(monkeypatch) -> config.Settings:
    return settings_of({}, monkeypatch)


@pytest.mark.parametrize("stage", ["dev", "prod"])
@pytest.mark.parametrize("function", FUNCTIONS)
def test_each_function_gets_every_setting_that_points_at_a_resource(stage, function, monkeypatch):
    template = merge_template(stage)
    variables = {k: rendered(v, stage) for k, v in
                 template["Resources"][function]["Properties"]["Environment"]["Variables"].items()}
    chalice_stage = json.loads((ROOT / ".chalice" / "config.json").read_text())["stages"][stage]
    assert chalice_stage["environment_variables"]["STAGE"] == variables["STAGE"] == stage
    given, default = settings_of(variables, monkeypatch), defaults(monkeypatch)
    keys = {"access_code_key": "ACCESS_CODE_SECRET", "cursor_key": "CURSOR_SECRET", "token_key": "TOKEN_SECRET"}
    assert set(keys.values()) == set(SECRETS) == set(SECRET_USERS)
    for field in config.Settings.__dataclass_fields__:
        value = getattr(given, field)
        if field in keys:
            if function in SECRET_USERS[keys[field]]:
                assert value == f"{{{{resolve:secretsmanager:<{SECRETS[keys[field]]}>:SecretString>>", field
            else:
                assert value is None, f"{function} is given {keys[field]}, which it does not sign with"
            continue
        if value == getattr(default, field):  # left at its default: must be a harmless tuning default
            assert value not in ("", "*") and "local" not in str(value), \
                f"{function} leaves {field} at its local default {value!r}: set it in infra/template.py"
    assert given.stage == stage and not given.is_local
    assert given.table_name == "<ComplaintsTable>" and given.topic_arn == "<NotificationsTopic>"
    assert given.bucket_name == "<PhotosBucket>" and given.schedule_group == "<TimersGroup>"
    assert given.user_pool_id == "<StaffUserPool>" and given.user_pool_client_id == "<StaffUserPoolClient>"
    assert given.scheduler_role_arn == "<SchedulerInvokeRole.Arn>"
    assert given.timer_function_arn == \
        f"arn:aws:lambda:{REGION}:111122223333:function:{policies.function_name(stage, 'OnTimer')}"
    assert given.jwt_issuer == f"https://cognito-idp.{REGION}.amazonaws.com/<StaffUserPool>"
    assert given.jwks_url == given.jwt_issuer + "/.well-known/jwks.json"
    assert given.allowed_origin == "https://form.example"
    assert given.public_base_url == "https://ts.example" and given.mail_from == "<MailFrom>"
    assert given.sms_signature == "【某纸业】"


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_every_referenced_resource_is_declared_with_its_stages_name(stage):
    template = merge_template(stage)["Resources"]
    names = resources.names(stage)
    assert template["ComplaintsTable"]["Properties"]["TableName"] == names["table"]
    assert template["NotificationsTopic"]["Properties"]["TopicName"] == names["topic"]
    assert template["TimersGroup"]["Properties"]["Name"] == names["schedule_group"]
    assert template["StaffUserPool"]["Properties"]["UserPoolName"] == names["user_pool"]
    assert template["StaffUserPoolClient"]["Properties"]["ClientName"] == names["user_pool_client"]
    assert template["PhotosBucket"]["Properties"]["BucketName"] == {"Fn::Sub": names["bucket"] + "-${AWS::AccountId}"}
    refs = set()

    def walk(value):
        if isinstance(value, dict):
            if "Ref" in value:
                refs.add(value["Ref"])
            if "Fn::GetAtt" in value:
                refs.add(value["Fn::GetAtt"][0])
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)
    walk(template)
    declared = set(template) | set(merge_template(stage)["Parameters"])
    from_chalice = {"OnStream", "OnStreamRole"}  # Chalice's own resources the template points at
    assert refs - declared - {r for r in refs if r.startswith("AWS::")} <= from_chalice


def test_the_timer_function_name_is_what_the_scheduler_role_may_invoke():
    template = merge_template("prod")["Resources"]
    statement = template["SchedulerInvokeRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    assert statement == [{"Sid": "InvokeTimer", "Effect": "Allow", "Action": ["lambda:InvokeFunction"],
                          "Resource": policies.function_arn("prod", "OnTimer")}]
    assert template["OnTimer"]["Properties"]["FunctionName"] == "complaints-prod-on_timer"


def test_each_key_is_a_generated_secret_long_enough_for_the_settings():
    template = merge_template("prod")["Resources"]
    for resource in SECRETS.values():
        generated = template[resource]["Properties"]["GenerateSecretString"]
        assert template[resource]["Type"] == "AWS::SecretsManager::Secret"
        assert generated["PasswordLength"] >= config.MIN_SECRET_BYTES and generated["ExcludePunctuation"]
