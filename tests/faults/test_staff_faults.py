"""A staff change while Cognito or SNS fails: the profile is the truth, the log-in and the
subscriptions follow it once AWS is back, and the request never answers 5xx for a valid body."""
from __future__ import annotations

import pytest

from chalicelib import clients
from chalicelib.services import delivery
from chalicelib.wiring import adapters
from tests.api.test_staff_access import sync_states
from tests.faults.checks import LATER, utcnow

BODY = {"name": "客服一", "roles": ["quality", "service"], "phone": "13711112222", "email": "kf1@example.com"}


def groups(stack, username):
    found = clients.client("cognito-idp").admin_list_groups_for_user(
        UserPoolId=stack["USER_POOL_ID"], Username=username)["Groups"]
    return sorted(g["GroupName"] for g in found)


def endpoints(stack):
    subs = clients.client("sns").list_subscriptions_by_topic(TopicArn=stack["TOPIC_ARN"])["Subscriptions"]
    return {s["Endpoint"] for s in subs}


@pytest.mark.parametrize("service, operation", [
    ("cognito-idp", "AdminAddUserToGroup"), ("cognito-idp", "AdminUpdateUserAttributes"), ("sns", "Subscribe")])
def test_a_staff_update_whose_aws_calls_fail_is_finished_later(api, stack, faults, service, operation):
    faults.inject(service, operation, "5xx", times=None)
    answer = api.call("PUT", "/api/v1/admin/staff/service1", BODY, user="admin1")
    assert answer.status_code == 200, answer.body
    assert api.call("GET", "/api/v1/admin/staff/service1", user="admin1").data["roles"] == ["quality", "service"]
    api.pump.drain_stream()  # the stream tries again, in vain while the fault lasts
    faults.heal()
    api.pump.drain_stream()
    delivery.sweep(adapters(), utcnow() + LATER)
    assert groups(stack, "service1") == ["quality", "service"]
    assert {"+8613711112222", "kf1@example.com"} <= endpoints(stack)
    token = api.call("POST", "/api/v1/auth/login", {"username": "service1", "password": "Complaints-Local-2026"})
    assert token.data["roles"] == ["quality", "service"]
    assert set(sync_states(stack, "service1")) == {"done"}
