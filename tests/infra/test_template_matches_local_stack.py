"""The AWS template and the local stack are built from one definition; check they agree."""
from chalicelib import resources
from chalicelib.clients import client
from infra.template import merge_template


def test_the_templates_table_has_the_local_tables_keys_and_indexes(stack):
    template = merge_template("local")["Resources"]["ComplaintsTable"]["Properties"]
    local = client("dynamodb").describe_table(TableName=stack["TABLE_NAME"])["Table"]
    assert template["TableName"] == local["TableName"]
    assert template["KeySchema"] == local["KeySchema"]
    assert {i["IndexName"]: i["KeySchema"] for i in template["GlobalSecondaryIndexes"]} == \
        {i["IndexName"]: i["KeySchema"] for i in local["GlobalSecondaryIndexes"]}
    assert {i["IndexName"]: i["Projection"] for i in template["GlobalSecondaryIndexes"]} == \
        {i["IndexName"]: i["Projection"] for i in local["GlobalSecondaryIndexes"]}
    assert sorted(template["AttributeDefinitions"], key=str) == sorted(local["AttributeDefinitions"], key=str)
    assert template["StreamSpecification"]["StreamViewType"] == local["StreamSpecification"]["StreamViewType"]
    ttl = client("dynamodb").describe_time_to_live(TableName=stack["TABLE_NAME"])["TimeToLiveDescription"]
    assert template["TimeToLiveSpecification"] == {"AttributeName": ttl["AttributeName"], "Enabled": True}


def test_the_templates_topic_groups_and_schedule_group_are_the_local_ones(stack):
    template = merge_template("local")["Resources"]
    assert stack["TOPIC_ARN"].endswith(":" + template["NotificationsTopic"]["Properties"]["TopicName"])
    assert template["TimersGroup"]["Properties"]["Name"] == stack["SCHEDULE_GROUP"]
    local_groups = {g["GroupName"] for g in client("cognito-idp").list_groups(UserPoolId=stack["USER_POOL_ID"])["Groups"]}
    template_groups = {r["Properties"]["GroupName"] for r in template.values()
                       if r.get("Type") == "AWS::Cognito::UserPoolGroup"}
    assert template_groups == local_groups == set(resources.STAFF_GROUPS)
    assert len(local_groups) == 6


def test_the_templates_user_pool_and_client_are_the_local_ones(stack):
    template = merge_template("local")["Resources"]
    cognito = client("cognito-idp")
    pool = cognito.describe_user_pool(UserPoolId=stack["USER_POOL_ID"])["UserPool"]
    properties = template["StaffUserPool"]["Properties"]
    assert properties["UserPoolName"] == pool["Name"]
    assert properties["Policies"]["PasswordPolicy"].items() <= pool["Policies"]["PasswordPolicy"].items()
    assert properties["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    app_client = cognito.describe_user_pool_client(UserPoolId=stack["USER_POOL_ID"],
                                                   ClientId=stack["USER_POOL_CLIENT_ID"])["UserPoolClient"]
    client_properties = template["StaffUserPoolClient"]["Properties"]
    assert client_properties["ClientName"] == app_client["ClientName"]
    assert sorted(client_properties["ExplicitAuthFlows"]) == sorted(app_client["ExplicitAuthFlows"])


def test_the_templates_bucket_blocks_public_access_and_allows_the_forms_origin_like_the_local_one(stack):
    properties = merge_template("local")["Resources"]["PhotosBucket"]["Properties"]
    s3 = client("s3")
    local_block = s3.get_public_access_block(Bucket=stack["BUCKET_NAME"])["PublicAccessBlockConfiguration"]
    assert properties["PublicAccessBlockConfiguration"] == local_block
    local_cors = s3.get_bucket_cors(Bucket=stack["BUCKET_NAME"])["CORSRules"][0]
    template_cors = properties["CorsConfiguration"]["CorsRules"][0]
    assert template_cors["AllowedMethods"] == local_cors["AllowedMethods"]
    assert template_cors["AllowedHeaders"] == local_cors["AllowedHeaders"]
    assert template_cors["AllowedOrigins"] == [{"Ref": "AllowedOrigin"}]
    assert properties["BucketName"] == {"Fn::Sub": stack["BUCKET_NAME"] + "-${AWS::AccountId}"}
