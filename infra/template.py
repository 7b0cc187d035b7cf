"""The CloudFormation merge template for `chalice package`, built from chalicelib/resources.py.

`python -m infra.template STAGE > build/merge.json` writes it; the local bootstrap
creates the same definitions in moto, so the two cannot drift.
"""
from __future__ import annotations

import json
import sys
from typing import Any

from chalicelib import resources

FUNCTIONS = ("APIHandler", "OnStream", "OnTimer", "SweepOutbox", "StaffToken")


def table(stage: str) -> dict[str, Any]:
    definition = resources.table_definition(resources.names(stage)["table"])
    properties = {key: definition[key] for key in (
        "TableName", "BillingMode", "AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes")}
    properties.update(
        StreamSpecification={"StreamViewType": definition["StreamSpecification"]["StreamViewType"]},
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        SSESpecification={"SSEEnabled": True},
        TimeToLiveSpecification={"AttributeName": resources.TTL_ATTRIBUTE, "Enabled": True})
    return {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
            "Properties": properties}


def user_pool(stage: str) -> dict[str, Any]:
    definition = resources.user_pool_definition(resources.names(stage)["user_pool"])
    properties = {"UserPoolName": definition.pop("PoolName"), **definition}
    return {"Type": "AWS::Cognito::UserPool", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
            "Properties": properties}


def user_pool_client(stage: str) -> dict[str, Any]:
    definition = resources.user_pool_client_definition(resources.names(stage)["user_pool_client"])
    return {"Type": "AWS::Cognito::UserPoolClient",
            "Properties": {**definition, "UserPoolId": {"Ref": "StaffUserPool"}}}


def groups() -> dict[str, Any]:
    return {f"Group{name.capitalize()}": {"Type": "AWS::Cognito::UserPoolGroup", "Properties": {
        "GroupName": name, "UserPoolId": {"Ref": "StaffUserPool"}}} for name in resources.STAFF_GROUPS}


def bucket(stage: str) -> dict[str, Any]:
    cors = resources.bucket_cors("ALLOWED_ORIGIN")["CORSRules"][0]
    return {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain", "Properties": {
        "BucketName": {"Fn::Sub": f"{resources.names(stage)['bucket']}-${{AWS::AccountId}}"},
        "PublicAccessBlockConfiguration": resources.PUBLIC_ACCESS_BLOCK,
        "CorsConfiguration": {"CorsRules": [{
            "AllowedMethods": cors["AllowedMethods"], "AllowedOrigins": [{"Ref": "AllowedOrigin"}],
            "AllowedHeaders": cors["AllowedHeaders"], "MaxAge": cors["MaxAgeSeconds"]}]},
    }}


def topic(stage: str) -> dict[str, Any]:
    return {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": resources.names(stage)["topic"],
                                                      "KmsMasterKeyId": "alias/aws/sns"}}


def schedule_group(stage: str) -> dict[str, Any]:
    return {"Type": "AWS::Scheduler::ScheduleGroup", "Properties": {"Name": resources.names(stage)["schedule_group"]}}


def environment(stage: str) -> dict[str, Any]:
    """The variables chalicelib/config.py reads, pointing at this stack's resources."""
    return {
        "STAGE": stage,
        "TABLE_NAME": {"Ref": "ComplaintsTable"},
        "TOPIC_ARN": {"Ref": "NotificationsTopic"},
        "BUCKET_NAME": {"Ref": "PhotosBucket"},
        "SCHEDULE_GROUP": {"Ref": "TimersGroup"},
        "TIMER_FUNCTION_ARN": {"Fn::GetAtt": ["OnTimer", "Arn"]},
        "SCHEDULER_ROLE_ARN": {"Fn::GetAtt": ["SchedulerInvokeRole", "Arn"]},
        "USER_POOL_ID": {"Ref": "StaffUserPool"},
        "USER_POOL_CLIENT_ID": {"Ref": "StaffUserPoolClient"},
        "ACCESS_CODE_SECRET": {"Fn::Sub": "{{resolve:secretsmanager:${AccessCodeSecret}:SecretString}}"},
        "ALLOWED_ORIGIN": {"Ref": "AllowedOrigin"},
    }


def merge_template(stage: str) -> dict[str, Any]:
    env = environment(stage)
    function_env = {name: {"Properties": {"Environment": {"Variables": env}}} for name in FUNCTIONS}
    return {
        "Parameters": {"AllowedOrigin": {"Type": "String", "Default": "https://complaints.example.com",
                                         "Description": "origin of the public form (CORS of the photo bucket)"}},
        "Resources": {
            **function_env,
            "ComplaintsTable": table(stage),
            "NotificationsTopic": topic(stage),
            "PhotosBucket": bucket(stage),
            "TimersGroup": schedule_group(stage),
            "StaffUserPool": user_pool(stage),
            "StaffUserPoolClient": user_pool_client(stage),
            **groups(),
            "AccessCodeSecret": {"Type": "AWS::SecretsManager::Secret", "Properties": {
                "Description": "key of the access-code hashes", "GenerateSecretString": {
                    "PasswordLength": 48, "ExcludePunctuation": True}}},
            "SchedulerInvokeRole": {"Type": "AWS::IAM::Role", "Properties": {
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Principal": {"Service": "scheduler.amazonaws.com"},
                    "Action": "sts:AssumeRole"}]},
                "Policies": [{"PolicyName": "invoke-timer", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Action": "lambda:InvokeFunction",
                    "Resource": {"Fn::GetAtt": ["OnTimer", "Arn"]}}]}}]}},
            "StreamMapping": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
                "EventSourceArn": {"Fn::GetAtt": ["ComplaintsTable", "StreamArn"]},
                "FunctionName": {"Ref": "OnStream"}, "StartingPosition": "TRIM_HORIZON",
                "BatchSize": 50, "MaximumRetryAttempts": 50, "BisectBatchOnFunctionError": True,
                "FilterCriteria": {"Filters": [{"Pattern": json.dumps(
                    {"eventName": ["INSERT"], "dynamodb": {"Keys": {"sk": {"S": [{"prefix": "OUTBOX#"}]}}}})}]}}},
        },
    }


if __name__ == "__main__":
    print(json.dumps(merge_template(sys.argv[1] if len(sys.argv) > 1 else "prod"), indent=2, ensure_ascii=False))
