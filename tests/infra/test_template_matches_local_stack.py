"""The AWS template and the local stack are built from one definition; check they agree."""
from chalicelib import resources
from chalicelib.clients import client
from infra.template import merge_template


def test_the_templates_table_has_the_local_tables_keys_and_indexes(stack):
    template = merge_template("local")["Resources"]["ComplaintsTable"]["Properties"]
    local = client("dynamodb").describe_table(TableName=stack["TABLE_NAME"])["Table"]
    assert template["KeySchema"] == local["KeySchema"]
    assert {i["IndexName"]: i["KeySchema"] for i in template["GlobalSecondaryIndexes"]} == \
        {i["IndexName"]: i["KeySchema"] for i in local["GlobalSecondaryIndexes"]}
    assert template["StreamSpecification"]["StreamViewType"] == local["StreamSpecification"]["StreamViewType"]


def test_the_templates_topic_groups_and_schedule_group_are_the_local_ones(stack):
    template = merge_template("local")["Resources"]
    assert stack["TOPIC_ARN"].endswith(":" + template["NotificationsTopic"]["Properties"]["TopicName"])
    assert template["TimersGroup"]["Properties"]["Name"] == stack["SCHEDULE_GROUP"]
    local_groups = {g["GroupName"] for g in client("cognito-idp").list_groups(UserPoolId=stack["USER_POOL_ID"])["Groups"]}
    assert {r["Properties"]["GroupName"] for k, r in template.items() if k.startswith("Group")} == local_groups
    assert local_groups == set(resources.STAFF_GROUPS)


def test_every_setting_the_code_reads_is_set_for_every_function():
    import inspect
    import re

    from chalicelib import config

    derived_or_given_by_lambda = {"AWS_REGION", "AWS_DEFAULT_REGION", "JWKS_URL", "JWT_ISSUER"}
    read = set(re.findall(r'env\("([A-Z_]+)"', inspect.getsource(config.settings))) - derived_or_given_by_lambda
    assert "TABLE_NAME" in read
    template = merge_template("prod")["Resources"]
    for name in ("APIHandler", "OnStream", "OnTimer", "SweepOutbox"):
        assert read <= set(template[name]["Properties"]["Environment"]["Variables"])
