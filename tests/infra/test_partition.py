"""The template builds for the China partition (aws-cn) as far as its services exist there: ARNs say
`${AWS::Partition}`, domains `${AWS::URLSuffix}`, and the only `amazonaws.com` left are service
principals, which carry no URL suffix. cfn-lint, asked about Beijing and Ningxia, finds missing
only what docs/deploy.md says is missing there: Cognito user pools.
"""
import json
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICE_PRINCIPALS = {f"{service}.amazonaws.com" for service in ("lambda", "apigateway", "scheduler", "cloudwatch")}
CHINA_REGIONS = ("cn-north-1", "cn-northwest-1")
MISSING_IN_CHINA = {"AWS::Cognito::UserPool", "AWS::Cognito::UserPoolClient", "AWS::Cognito::UserPoolGroup"}


def strings(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, str):
        yield value


def test_no_arn_names_the_commercial_partition(packaged):
    assert "arn:aws:" not in packaged["text"]


def test_amazonaws_com_appears_only_as_a_service_principal(packaged):
    found = {s for s in strings(packaged["template"]) if "amazonaws.com" in s}
    assert found <= SERVICE_PRINCIPALS, found - SERVICE_PRINCIPALS


def test_in_the_china_regions_only_the_cognito_user_pool_resources_are_missing(packaged):
    run = subprocess.run([str(ROOT / ".venv" / "bin" / "cfn-lint"), "--format", "json", "--regions", *CHINA_REGIONS,
                          "--", str(packaged["path"])], capture_output=True, text=True, timeout=600)
    findings = json.loads(run.stdout or "[]")
    missing = {re.search(r"'(AWS::[\w:]+)'", f["Message"])[1] for f in findings if f["Rule"]["Id"] == "E3006"}
    assert missing == MISSING_IN_CHINA, findings
    assert [f for f in findings if f["Rule"]["Id"] != "E3006"] == []
