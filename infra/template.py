"""The CloudFormation merge template for `chalice package`, built from chalicelib/resources.py.

`python -m infra.template STAGE build/merge-STAGE.json` writes it (`make package` does);
Chalice merges it into its SAM template: the API and the functions come from the app, and
this adds every other resource, the hand-written IAM policies (infra/policies.py), log
groups, the dead-letter queue, the alarms, and each function's settings. The local
bootstrap (infra/local_stack.py) creates the same definitions in moto, so the two cannot drift.

Checks that checkov runs and this template deliberately does not satisfy are skipped
resource by resource in `Metadata.checkov.skip`, each with its reason.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from chalicelib import resources
from infra import policies
from infra.lambda_package import ARCHITECTURE, RUNTIME

FUNCTIONS = tuple(policies.FUNCTIONS)
API_STAGE = "api"  # .chalice/config.json api_gateway_stage
ASYNC_FUNCTIONS = ("OnTimer", "SweepOutbox")  # invoked asynchronously: Scheduler, EventBridge rule
SETTINGS = {  # function logical id -> (memory MB, timeout s)
    "APIHandler": (512, 29), "StaffToken": (256, 10), "OnStream": (512, 120),
    "OnTimer": (256, 60), "SweepOutbox": (256, 240)}
SECRETS = {"ACCESS_CODE_SECRET": "AccessCodeSecret", "CURSOR_SECRET": "CursorSecret",  # variable -> resource
           "TOKEN_SECRET": "LinkTokenSecret"}
SECRET_USERS = {  # variable -> the functions that sign with it (no other function is given the key)
    "ACCESS_CODE_SECRET": ("APIHandler",),  # access codes (and the status throttle's client tags)
    "CURSOR_SECRET": ("APIHandler",),  # the list's cursors
    "TOKEN_SECRET": ("APIHandler", "OnTimer"),  # link tokens: receipts and decisions, and the survey's firing
}
PHOTO_INFREQUENT_DAYS = 90  # a complaint is closed within weeks; its photos are rarely looked at after
PHOTO_NONCURRENT_DAYS = 30


def log_retention_days(stage: str) -> int:
    return 365 if stage == "prod" else 30


def skip(*checks: tuple[str, str]) -> dict[str, Any]:
    """Metadata that skips checkov checks, each with its written reason."""
    return {"checkov": {"skip": [{"id": check, "comment": reason} for check, reason in checks]}}


CMK_REASON = ("encrypted with the AWS managed key; a customer managed key would add a key policy "
              "to administer and a monthly key charge without protecting against anyone the account "
              "does not already trust")


def table(stage: str) -> dict[str, Any]:
    definition = resources.table_definition(resources.names(stage)["table"])
    properties = {key: definition[key] for key in (
        "TableName", "BillingMode", "AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes")}
    properties.update(
        StreamSpecification={"StreamViewType": definition["StreamSpecification"]["StreamViewType"]},
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        SSESpecification={"SSEEnabled": True, "SSEType": "KMS"},
        TimeToLiveSpecification={"AttributeName": resources.TTL_ATTRIBUTE, "Enabled": True},
        DeletionProtectionEnabled=stage == "prod")
    return {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
            "Properties": properties, "Metadata": skip(("CKV_AWS_119", "table " + CMK_REASON))}


def user_pool(stage: str) -> dict[str, Any]:
    definition = resources.user_pool_definition(resources.names(stage)["user_pool"])
    properties = {"UserPoolName": definition.pop("PoolName"), **definition}
    properties.update(AutoVerifiedAttributes=["email"], UserPoolTags={"stage": stage},
                      AccountRecoverySetting={"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]})
    return {"Type": "AWS::Cognito::UserPool", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
            "Properties": properties}


def user_pool_client(stage: str) -> dict[str, Any]:
    definition = resources.user_pool_client_definition(resources.names(stage)["user_pool_client"])
    return {"Type": "AWS::Cognito::UserPoolClient",
            "Properties": {**definition, "UserPoolId": {"Ref": "StaffUserPool"},
                           "PreventUserExistenceErrors": "ENABLED"}}


def groups() -> dict[str, Any]:
    return {group_id(name): {"Type": "AWS::Cognito::UserPoolGroup", "Properties": {
        "GroupName": name, "UserPoolId": {"Ref": "StaffUserPool"}}} for name in resources.STAFF_GROUPS}


def group_id(name: str) -> str:
    return f"Group{name.capitalize()}"


def bucket(stage: str) -> dict[str, Any]:
    cors = resources.bucket_cors("ALLOWED_ORIGIN")["CORSRules"][0]
    return {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
            "Properties": {
                "BucketName": {"Fn::Sub": f"{resources.names(stage)['bucket']}-${{AWS::AccountId}}"},
                "PublicAccessBlockConfiguration": resources.PUBLIC_ACCESS_BLOCK,
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [{
                    "ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": True}]},
                "VersioningConfiguration": {"Status": "Enabled"},
                "LifecycleConfiguration": {"Rules": [{
                    "Id": "photos", "Status": "Enabled",
                    "Transitions": [{"StorageClass": "STANDARD_IA", "TransitionInDays": PHOTO_INFREQUENT_DAYS}],
                    "NoncurrentVersionExpiration": {"NoncurrentDays": PHOTO_NONCURRENT_DAYS},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}, {
                    "Id": "exports", "Status": "Enabled", "Prefix": "exports/",  # names and phones: gone in a day
                    "ExpirationInDays": 1, "NoncurrentVersionExpiration": {"NoncurrentDays": 1}}]},
                "CorsConfiguration": {"CorsRules": [{
                    "AllowedMethods": cors["AllowedMethods"], "AllowedOrigins": [{"Ref": "AllowedOrigin"}],
                    "AllowedHeaders": cors["AllowedHeaders"], "MaxAge": cors["MaxAgeSeconds"]}]},
            },
            "Metadata": skip(
                ("CKV_AWS_18", "photos are reached only through presigned URLs the API issues and logs; "
                               "server access logs would need a second bucket and hold customer photo keys"))}


def bucket_policy() -> dict[str, Any]:
    """TLS only: every request over plain HTTP is refused."""
    return {"Type": "AWS::S3::BucketPolicy", "Properties": {
        "Bucket": {"Ref": "PhotosBucket"},
        "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [{"Fn::GetAtt": ["PhotosBucket", "Arn"]}, {"Fn::Sub": "${PhotosBucket.Arn}/*"}],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}}


def topic(stage: str) -> dict[str, Any]:
    return {"Type": "AWS::SNS::Topic", "Properties": {
        "TopicName": resources.names(stage)["topic"], "KmsMasterKeyId": {"Ref": "NotificationsKey"},
        "DisplayName": {"Ref": "HotlineSenderId"}}}


def alarm_topic(stage: str) -> dict[str, Any]:
    return {"Type": "AWS::SNS::Topic", "Properties": {
        "TopicName": f"complaints-alarms-{stage}", "KmsMasterKeyId": {"Ref": "AlarmsKey"},
        "Subscription": [{"Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}]}}


def topic_key(description: str, services: tuple[str, ...] = ()) -> dict[str, Any]:
    """A customer managed key for one topic: the account administers it (and grants its use through IAM:
    infra/policies.py gives it to the functions that publish); `services` may encrypt and decrypt with it.
    CloudWatch alarms cannot publish to a topic under the AWS managed SNS key, whose policy no one can change."""
    statements: list[dict[str, Any]] = [{
        "Sid": "AccountAdministers", "Effect": "Allow", "Action": "kms:*", "Resource": "*",
        "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}}]
    if services:
        statements.append({
            "Sid": "ServicesPublish", "Effect": "Allow", "Principal": {"Service": list(services)},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*"})
    return {"Type": "AWS::KMS::Key", "Properties": {  # nothing outlives the stack under it: SNS keeps no messages
        "Description": description, "EnableKeyRotation": True,
        "KeyPolicy": {"Version": "2012-10-17", "Statement": statements}}}


def key_alias(stage: str, name: str, key: str) -> dict[str, Any]:
    return {"Type": "AWS::KMS::Alias", "Properties": {
        "AliasName": f"alias/complaints-{stage}-{name}", "TargetKeyId": {"Ref": key}}}


def schedule_group(stage: str) -> dict[str, Any]:
    return {"Type": "AWS::Scheduler::ScheduleGroup", "Properties": {"Name": resources.names(stage)["schedule_group"]}}


def dead_letter_queue(stage: str) -> dict[str, Any]:
    return {"Type": "AWS::SQS::Queue", "Properties": {
        "QueueName": f"complaints-{stage}-dead-letters", "KmsMasterKeyId": "alias/aws/sqs",
        "MessageRetentionPeriod": 14 * 24 * 3600}}


def secret(description: str, retain: bool) -> dict[str, Any]:
    """A generated key of 48 characters (chalicelib/config.py refuses one under 32 bytes)."""
    kept = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"} if retain else {}
    return {"Type": "AWS::SecretsManager::Secret", **kept,
            "Properties": {"Description": description,
                           "GenerateSecretString": {"PasswordLength": 48, "ExcludePunctuation": True}},
            "Metadata": skip(("CKV_AWS_149", "secret " + CMK_REASON))}


def log_group(stage: str, logical_id: str) -> dict[str, Any]:
    return {"Type": "AWS::Logs::LogGroup", "Properties": {
        "LogGroupName": f"/aws/lambda/{policies.function_name(stage, logical_id)}",
        "RetentionInDays": log_retention_days(stage)},
        "Metadata": skip(("CKV_AWS_158", "log group " + CMK_REASON.replace("AWS managed key", "CloudWatch Logs "
                                                                          "service key")))}


def environment(stage: str) -> dict[str, Any]:
    """The variables chalicelib/config.py reads, pointing at this stack's resources."""
    return {
        "STAGE": {"Ref": "Stage"},
        "TABLE_NAME": {"Ref": "ComplaintsTable"},
        "TOPIC_ARN": {"Ref": "NotificationsTopic"},
        "BUCKET_NAME": {"Ref": "PhotosBucket"},
        "SCHEDULE_GROUP": {"Ref": "TimersGroup"},
        "TIMER_FUNCTION_ARN": policies.function_arn(stage, "OnTimer"),
        "SCHEDULER_ROLE_ARN": {"Fn::GetAtt": ["SchedulerInvokeRole", "Arn"]},
        "USER_POOL_ID": {"Ref": "StaffUserPool"},
        "USER_POOL_CLIENT_ID": {"Ref": "StaffUserPoolClient"},
        # the issuer's domain differs in the China partition (amazonaws.com.cn): say it, don't derive it
        "JWT_ISSUER": {"Fn::Sub": "https://cognito-idp.${AWS::Region}.${AWS::URLSuffix}/${StaffUserPool}"},
        "JWKS_URL": {"Fn::Sub": "https://cognito-idp.${AWS::Region}.${AWS::URLSuffix}/${StaffUserPool}"
                                "/.well-known/jwks.json"},
        "ALLOWED_ORIGIN": {"Ref": "AllowedOrigin"},
        "PUBLIC_BASE_URL": {"Ref": "PublicBaseUrl"},
        "MAIL_FROM": {"Ref": "MailFrom"},
        "SMS_SIGNATURE": {"Ref": "SmsSignature"},
        **{variable: {"Fn::Sub": "{{resolve:secretsmanager:${" + resource + "}:SecretString}}"}
           for variable, resource in SECRETS.items()},
    }


def function_environment(stage: str, logical_id: str) -> dict[str, Any]:
    env = environment(stage)
    for variable, users in SECRET_USERS.items():
        if logical_id not in users:
            env.pop(variable)
    return env


FUNCTION_SKIPS = (
    ("CKV_AWS_115", "no reserved concurrency: a new account's whole quota is 10 and reserving any of it fails "
                    "the deployment; API Gateway throttling bounds the API instead"),
    ("CKV_AWS_117", "the functions reach only AWS APIs and Cognito's public JWKS: a VPC would add NAT "
                    "gateways and endpoints and protect nothing"),
    ("CKV_AWS_173", "environment variables are encrypted at rest with the Lambda service key; a customer "
                    "managed key adds administration and cost without a narrower audience"),
)
SYNC_SKIP = ("CKV_AWS_116", "invoked synchronously (API Gateway, or the DynamoDB stream whose failures go to "
                            "the dead-letter queue through the event source mapping): a function DLQ never fires")


def function(stage: str, logical_id: str) -> dict[str, Any]:
    memory, timeout = SETTINGS[logical_id]
    properties: dict[str, Any] = {
        "FunctionName": policies.function_name(stage, logical_id),
        "Runtime": RUNTIME, "Architectures": [ARCHITECTURE],  # the dependencies in the zip are built for these
        "MemorySize": memory, "Timeout": timeout,
        "Environment": {"Variables": function_environment(stage, logical_id)},
    }
    checks = list(FUNCTION_SKIPS)
    if logical_id in ASYNC_FUNCTIONS:
        properties["DeadLetterQueue"] = {"Type": "SQS", "TargetArn": {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]}}
        properties["EventInvokeConfig"] = {"MaximumRetryAttempts": 2}
    else:
        checks.append(SYNC_SKIP)
    return {"Properties": properties, "Metadata": skip(*checks)}


def stream_mapping() -> dict[str, Any]:
    """The stream feeds on_stream with every change: its consumers (outbox delivery, statistics, cluster
    alerts) pick their own items, so no filter here can silently starve one of them."""
    return {"Type": "AWS::Lambda::EventSourceMapping", "DependsOn": ["OnStreamRole"], "Properties": {
        "EventSourceArn": {"Fn::GetAtt": ["ComplaintsTable", "StreamArn"]},
        "FunctionName": {"Ref": "OnStream"}, "StartingPosition": "TRIM_HORIZON",
        "BatchSize": 50, "MaximumBatchingWindowInSeconds": 1, "MaximumRetryAttempts": 50,
        "ParallelizationFactor": resources.STREAM_PARALLELISM,
        "BisectBatchOnFunctionError": True, "MaximumRecordAgeInSeconds": 86400,
        "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]}}}}}


CLOUDWATCH_PRINCIPAL = "cloudwatch.amazonaws.com"  # a service principal, not an endpoint: no URL suffix, in aws-cn too


def alarm(description: str, namespace: str, metric: str, dimensions: dict[str, Any],
          statistic: str = "Sum", threshold: float = 0) -> dict[str, Any]:
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmDescription": description, "Namespace": namespace, "MetricName": metric,
        "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
        "Statistic": statistic, "Period": 300, "EvaluationPeriods": 1, "Threshold": threshold,
        "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "notBreaching",
        "AlarmActions": [{"Ref": "AlarmTopic"}], "OKActions": [{"Ref": "AlarmTopic"}]}}


def api_name(stage: str) -> str:
    return f"complaints-{stage}"


OUTBOX_FAILED_METRIC = "OutboxItemFailedAfterRetries"


def alarms(stage: str) -> dict[str, Any]:
    found: dict[str, Any] = {
        "AlarmApi5xx": alarm("The API answered 5xx", "AWS/ApiGateway", "5XXError",
                             {"ApiName": api_name(stage), "Stage": API_STAGE}),
        "AlarmDeadLetters": alarm("Invocations or stream batches that failed for good wait in the dead-letter "
                                  "queue", "AWS/SQS", "ApproximateNumberOfMessagesVisible",
                                  {"QueueName": {"Fn::GetAtt": ["DeadLetterQueue", "QueueName"]}}, "Maximum"),
        "AlarmNotificationsFailed": alarm("SNS could not deliver notifications (SMS or e-mail) after its retries",
                                          "AWS/SNS", "NumberOfNotificationsFailed",
                                          {"TopicName": {"Fn::GetAtt": ["NotificationsTopic", "TopicName"]}}),
        "AlarmOutboxFailedAfterRetries": alarm(
            "The sweeper could not deliver an outbox item the stream already failed on (SNS or Scheduler)",
            f"Complaints/{stage}", OUTBOX_FAILED_METRIC, {}),
    }
    for logical_id in FUNCTIONS:
        name = policies.function_name(stage, logical_id)
        found[f"Alarm{logical_id}Errors"] = alarm(f"{name} raised errors", "AWS/Lambda", "Errors",
                                                  {"FunctionName": name})
        found[f"Alarm{logical_id}Throttles"] = alarm(f"{name} was throttled", "AWS/Lambda", "Throttles",
                                                     {"FunctionName": name})
    return found


def outbox_failure_filter(stage: str) -> dict[str, Any]:
    """chalicelib/services/delivery.py logs `sweep: outbox item ... failed again` when a retry fails."""
    return {"Type": "AWS::Logs::MetricFilter", "Properties": {
        "LogGroupName": {"Ref": policies.log_group_id("SweepOutbox")}, "FilterPattern": '"failed again"',
        "MetricTransformations": [{"MetricNamespace": f"Complaints/{stage}", "MetricName": OUTBOX_FAILED_METRIC,
                                   "MetricValue": "1", "DefaultValue": 0}]}}


def parameters(stage: str) -> dict[str, Any]:
    return {
        "Stage": {"Type": "String", "Default": stage, "AllowedValues": [stage],
                  "Description": "the stage this template was packaged for (`make package STAGE=...`)"},
        "AllowedOrigin": {"Type": "String", "Default": "https://complaints.example.com",
                          "AllowedPattern": "^https://[A-Za-z0-9.-]+(:[0-9]+)?$",
                          "Description": "origin of the public complaint form (CORS of the photo bucket)"},
        "HotlineSenderId": {"Type": "String", "Default": "Complaints", "MaxLength": 11,
                            "AllowedPattern": "^[A-Za-z0-9 ]{1,11}$",
                            "Description": "name SMS notifications are sent under (topic display name; see "
                                           "docs/deploy.md for countries that need a registered sender)"},
        "PublicBaseUrl": {"Type": "String", "Default": "https://complaints.example.com", "MaxLength": 40,
                          "AllowedPattern": "^https://[A-Za-z0-9.-]+(:[0-9]+)?$",
                          "Description": "the site of the form and status page: the links in the customer's SMS "
                                         "(/s/<token>, /survey?t=<token>) start with it"},
        "MailFrom": {"Type": "String", "AllowedPattern": "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$",
                     "Description": "the verified SES identity the customer's e-mails come from (see docs/deploy.md)"},
        "SmsSignature": {"Type": "String", "Default": "【XX纸业】", "MinLength": 1, "MaxLength": 12,
                         "Description": "the sender signature every customer SMS starts with (registered for "
                                        "mainland China numbers)"},
        "AlarmEmail": {"Type": "String", "AllowedPattern": "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$",
                       "Description": "e-mail address that receives the alarms (confirm the subscription)"},
    }


def outputs() -> dict[str, Any]:
    return {
        "TableName": {"Value": {"Ref": "ComplaintsTable"}},
        "TopicArn": {"Value": {"Ref": "NotificationsTopic"}},
        "BucketName": {"Value": {"Ref": "PhotosBucket"}},
        "UserPoolId": {"Value": {"Ref": "StaffUserPool"}},
        "UserPoolClientId": {"Value": {"Ref": "StaffUserPoolClient"}},
        "DeadLetterQueueUrl": {"Value": {"Ref": "DeadLetterQueue"}},
    }


def api(stage: str) -> dict[str, Any]:
    return {"Properties": {
        "Name": api_name(stage), "TracingEnabled": True,
        "DefinitionBody": {"info": {"title": api_name(stage)}},
        "MethodSettings": [{"ResourcePath": "/*", "HttpMethod": "*", "ThrottlingBurstLimit": 100,
                            "ThrottlingRateLimit": 50, "MetricsEnabled": True}]},
        "Metadata": skip(
            ("CKV_AWS_76", "access logging needs an account-wide API Gateway CloudWatch role; the handler's own "
                           "log group records every request"),
            ("CKV_AWS_120", "answers are per user and change with every action: nothing to cache"))}


def gateway_responses() -> dict[str, Any]:
    """API Gateway's own refusals (a failed or denying authorizer) in the contract's error shape."""
    from chalicelib.api.errors import Forbidden, Unauthenticated, error_body

    def response(kind: str, status: str, error: Any) -> dict[str, Any]:
        body = json.dumps(error_body(error, "zh"), ensure_ascii=False)
        return {"Type": "AWS::ApiGateway::GatewayResponse", "Properties": {
            "RestApiId": {"Ref": "RestAPI"}, "ResponseType": kind, "StatusCode": status,
            "ResponseTemplates": {"application/json": body}}}

    return {"UnauthorizedResponse": response("UNAUTHORIZED", "401", Unauthenticated()),
            "AccessDeniedResponse": response("ACCESS_DENIED", "403", Forbidden())}


def merge_template(stage: str) -> dict[str, Any]:
    return {
        "Parameters": parameters(stage),
        "Resources": {
            **{logical_id: function(stage, logical_id) for logical_id in FUNCTIONS},
            **{policies.log_group_id(logical_id): log_group(stage, logical_id) for logical_id in FUNCTIONS},
            **policies.role_overrides(stage),
            "RestAPI": api(stage),
            **gateway_responses(),
            "ComplaintsTable": table(stage),
            "NotificationsTopic": topic(stage),
            "NotificationsKey": topic_key("complaints notifications topic: messages to staff"),
            "NotificationsKeyAlias": key_alias(stage, "notifications", "NotificationsKey"),
            "PhotosBucket": bucket(stage),
            "PhotosBucketPolicy": bucket_policy(),
            "TimersGroup": schedule_group(stage),
            "SchedulerInvokeRole": policies.scheduler_role(stage),
            "StaffUserPool": user_pool(stage),
            "StaffUserPoolClient": user_pool_client(stage),
            **groups(),
            # every customer's access code is checked with its key for good; losing the cursor key only
            # ends the list pages being read
            "AccessCodeSecret": secret("key of the complaint access-code hashes", retain=True),
            "CursorSecret": secret("key that seals the complaint list's paging cursors", retain=False),
            # the links of SMS already sent are checked with it: kept like the access codes' key
            "LinkTokenSecret": secret("key of the status and survey links' token hashes", retain=True),
            "DeadLetterQueue": dead_letter_queue(stage),
            "StreamMapping": stream_mapping(),
            "AlarmTopic": alarm_topic(stage),
            "AlarmsKey": topic_key("complaints alarm topic: CloudWatch alarm states",
                                   services=(CLOUDWATCH_PRINCIPAL,)),
            "AlarmsKeyAlias": key_alias(stage, "alarms", "AlarmsKey"),
            "OutboxFailureFilter": outbox_failure_filter(stage),
            **alarms(stage),
        },
        "Outputs": outputs(),
    }


def main(argv: list[str]) -> None:
    stage = argv[1] if len(argv) > 1 else "prod"
    text = json.dumps(merge_template(stage), indent=2, ensure_ascii=False)
    if len(argv) > 2:
        Path(argv[2]).parent.mkdir(parents=True, exist_ok=True)
        Path(argv[2]).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main(sys.argv)
