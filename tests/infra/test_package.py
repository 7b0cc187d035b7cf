"""`make lint STAGE=prod` packages the prod stage (`chalice package` + the merge template) and checks
the result with cfn-lint (no errors) and checkov (no failed checks): the `packaged` fixture
(tests/infra/conftest.py). Slow (about a minute, more on the first run, which installs checkov into
its own venv), and part of `make test` all the same.
"""
from chalicelib import resources
from infra import policies
from infra.template import CLOUDWATCH_PRINCIPAL, FUNCTIONS, log_retention_days

STAGE = "prod"  # what the `packaged` fixture builds
SMS_TO_PHONES = ["sns:CheckIfPhoneNumberIsOptedOut", "sns:Publish"]  # a publish to a phone names no topic


def of_type(template, kind):
    return {k: r for k, r in template["Resources"].items() if r["Type"] == kind}


def test_package_writes_one_sam_template_and_the_deployment_zip(packaged):
    assert packaged["template"]["Transform"] == "AWS::Serverless-2016-10-31"
    assert packaged["zip"].stat().st_size > 100_000
    import zipfile
    names = zipfile.ZipFile(packaged["zip"]).namelist()
    assert "app.py" in names and "chalicelib/config.py" in names and "chalicelib/resources.py" in names
    assert not any(n.startswith(("tests/", "infra/", "boto3/", "botocore/", "moto/")) for n in names)


def test_the_deployment_zip_holds_no_code_only_the_local_stack_uses(packaged):
    """moto's emulation and the dev routes live in infra/ (the local runner adds them): the Lambda
    package holds no dev module and none of its code imports moto or infra; the API has no /dev path."""
    import re
    import zipfile

    with zipfile.ZipFile(packaged["zip"]) as package:
        ours = [n for n in package.namelist() if n == "app.py" or n.startswith("chalicelib/")]
        assert not [n for n in ours if re.search(r"(^|/)dev(_\w+)?\.py$", n)]
        for name in (n for n in ours if n.endswith(".py")):
            source = package.read(name).decode("utf-8")
            assert not re.search(r"^\s*(import|from)\s+(moto|infra)\b", source, re.MULTILINE), name
    paths = packaged["template"]["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    assert "/api/v1/complaints" in paths and not [p for p in paths if p.startswith("/dev")]


def test_the_packaged_prod_template_mentions_no_dev_path_anywhere(packaged):
    """Not a route, an integration, a permission or a description: `/dev` is nowhere in sam.json."""
    assert "/dev" not in packaged["text"]


def test_every_packaged_function_has_its_hand_written_role_name_and_settings(packaged):
    template = packaged["template"]
    functions = of_type(template, "AWS::Serverless::Function")
    assert set(functions) == set(FUNCTIONS), \
        "a Lambda function was added or renamed in the app: give it a policy in infra/policies.py"
    for logical_id, (role, _) in policies.FUNCTIONS.items():
        properties = functions[logical_id]["Properties"]
        assert properties["Role"] == {"Fn::GetAtt": [role, "Arn"]}
        assert properties["FunctionName"] == policies.function_name(STAGE, logical_id)
        assert properties["Environment"]["Variables"]["TABLE_NAME"] == {"Ref": "ComplaintsTable"}
        document = template["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]
        assert document["Statement"] == policies.statements(STAGE)[logical_id]


def test_no_policy_grants_a_wildcard_action_or_an_unnamed_resource(packaged):
    for name, role in of_type(packaged["template"], "AWS::IAM::Role").items():
        for policy in role["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                assert all("*" not in a for a in actions), (name, actions)
                if statement["Resource"] == "*" or "*" in statement["Resource"]:  # only what IAM offers no resource
                    assert actions == SMS_TO_PHONES, (name, statement)
                if actions == SMS_TO_PHONES:  # the checkov skip of a write on "*" is on these roles only
                    assert role["Metadata"] == policies.SMS_TO_PHONES_SKIP, name
        assert "ManagedPolicyArns" not in role["Properties"], name


def test_the_template_holds_every_resource_the_system_needs(packaged):
    template = packaged["template"]
    r = template["Resources"]
    assert set(template["Parameters"]) >= {"Stage", "AllowedOrigin", "HotlineSenderId", "AlarmEmail", "PublicBaseUrl",
                                           "MailFrom", "SmsSignature"}
    assert r["LinkTokenSecret"]["DeletionPolicy"] == "Retain"  # the links of SMS already sent stay checkable
    table = r["ComplaintsTable"]["Properties"]
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["SSESpecification"]["SSEEnabled"] is True
    assert table["TimeToLiveSpecification"] == {"AttributeName": resources.TTL_ATTRIBUTE, "Enabled": True}
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} == set(resources.GLOBAL_INDEXES)
    bucket = r["PhotosBucket"]["Properties"]
    assert bucket["PublicAccessBlockConfiguration"] == resources.PUBLIC_ACCESS_BLOCK
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["LifecycleConfiguration"]["Rules"]
    assert bucket["CorsConfiguration"]["CorsRules"][0]["AllowedOrigins"] == [{"Ref": "AllowedOrigin"}]
    tls = r["PhotosBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert tls["Effect"] == "Deny" and tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert r["NotificationsTopic"]["Properties"]["KmsMasterKeyId"]
    assert r["TimersGroup"]["Type"] == "AWS::Scheduler::ScheduleGroup"
    trust = r["SchedulerInvokeRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert [s["Principal"] for s in trust] == [{"Service": "scheduler.amazonaws.com"}]
    assert {g["Properties"]["GroupName"] for g in of_type(template, "AWS::Cognito::UserPoolGroup").values()} == \
        set(resources.STAFF_GROUPS)
    assert r["StaffUserPoolClient"]["Properties"]["UserPoolId"] == {"Ref": "StaffUserPool"}
    logs = of_type(template, "AWS::Logs::LogGroup")
    assert {g["Properties"]["LogGroupName"] for g in logs.values()} == \
        {f"/aws/lambda/{policies.function_name(STAGE, f)}" for f in FUNCTIONS}
    assert {g["Properties"]["RetentionInDays"] for g in logs.values()} == {log_retention_days(STAGE)}
    assert r["DeadLetterQueue"]["Type"] == "AWS::SQS::Queue"
    for logical_id in ("OnTimer", "SweepOutbox"):  # invoked asynchronously
        assert r[logical_id]["Properties"]["DeadLetterQueue"]["TargetArn"] == \
            {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]}
    mapping = r["StreamMapping"]["Properties"]
    assert mapping["FunctionName"] == {"Ref": "OnStream"}
    assert mapping["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]}


def test_every_topic_is_encrypted_with_its_own_rotating_customer_managed_key(packaged):
    r = packaged["template"]["Resources"]
    topics = of_type(packaged["template"], "AWS::SNS::Topic")
    assert set(topics) == {"NotificationsTopic", "AlarmTopic"}
    keys = {name: topic["Properties"]["KmsMasterKeyId"]["Ref"] for name, topic in topics.items()}
    assert len(set(keys.values())) == len(keys)
    aliases = {a["Properties"]["TargetKeyId"]["Ref"] for a in of_type(packaged["template"], "AWS::KMS::Alias").values()}
    for key in keys.values():
        assert r[key]["Type"] == "AWS::KMS::Key" and r[key]["Properties"]["EnableKeyRotation"] is True
        assert key in aliases
        administer = r[key]["Properties"]["KeyPolicy"]["Statement"][0]
        assert administer["Principal"] == {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}
        assert administer["Action"] == "kms:*"
    alarm_key_users = r[keys["AlarmTopic"]]["Properties"]["KeyPolicy"]["Statement"][1:]
    assert [(s["Principal"], s["Action"]) for s in alarm_key_users] == [
        ({"Service": [CLOUDWATCH_PRINCIPAL]}, ["kms:Decrypt", "kms:GenerateDataKey*"])]
    assert r[keys["NotificationsTopic"]]["Properties"]["KeyPolicy"]["Statement"][1:] == []  # IAM grants it


def test_the_functions_that_publish_may_use_the_notifications_key_and_no_other(packaged):
    for logical_id, statements in policies.statements(STAGE).items():
        publishes = any("sns:Publish" in s["Action"] for s in statements)
        key_statements = [s for s in statements if any(a.startswith("kms:") for a in s["Action"])]
        if publishes:
            assert [s["Resource"] for s in key_statements] == [{"Fn::GetAtt": ["NotificationsKey", "Arn"]}]
            assert key_statements[0]["Action"] == sorted(policies.TOPIC_KEY)
        else:
            assert key_statements == [], logical_id


def test_no_checkov_skip_remains_for_topic_encryption(packaged):
    skipped = {entry["id"] for resource in packaged["template"]["Resources"].values()
               for entry in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])}
    assert "CKV_AWS_26" not in skipped


def test_alarms_watch_5xx_errors_throttles_dead_letters_and_failed_notifications(packaged):
    alarms = of_type(packaged["template"], "AWS::CloudWatch::Alarm").values()
    watched = {(a["Properties"]["Namespace"], a["Properties"]["MetricName"]) for a in alarms}
    assert {("AWS/ApiGateway", "5XXError"), ("AWS/Lambda", "Errors"), ("AWS/Lambda", "Throttles"),
            ("AWS/SQS", "ApproximateNumberOfMessagesVisible"), ("AWS/SNS", "NumberOfNotificationsFailed"),
            (f"Complaints/{STAGE}", "OutboxItemFailedAfterRetries")} <= watched
    for kind in ("Errors", "Throttles"):
        assert {a["Properties"]["Dimensions"][0]["Value"] for a in alarms
                if a["Properties"]["MetricName"] == kind} == {policies.function_name(STAGE, f) for f in FUNCTIONS}
    assert all(a["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}] for a in alarms)
    subscription = packaged["template"]["Resources"]["AlarmTopic"]["Properties"]["Subscription"]
    assert subscription == [{"Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}]


def test_the_api_alarm_watches_the_api_by_its_packaged_name(packaged):
    api = packaged["template"]["Resources"]["RestAPI"]["Properties"]
    alarm = packaged["template"]["Resources"]["AlarmApi5xx"]["Properties"]
    dimensions = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
    assert dimensions == {"ApiName": api["DefinitionBody"]["info"]["title"], "Stage": api["StageName"]}


def test_every_skipped_check_says_why(packaged):
    skipped = 0
    for name, resource in packaged["template"]["Resources"].items():
        for entry in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert entry["id"].startswith("CKV") and len(entry.get("comment", "")) > 30, (name, entry)
            skipped += 1
    assert skipped and f"Skipped checks: {skipped}" in packaged["output"]
