"""infra/moto_patches.py makes moto faster; DynamoDB's answers must stay what they were."""
from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

TABLE = "patched"


@pytest.fixture
def dynamodb(aws):
    client = boto3.client("dynamodb", endpoint_url=aws)
    client.create_table(
        TableName=TABLE, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "gpk", "gsk")],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{"IndexName": "by_g", "Projection": {"ProjectionType": "ALL"}, "KeySchema": [
            {"AttributeName": "gpk", "KeyType": "HASH"}, {"AttributeName": "gsk", "KeyType": "RANGE"}]}])
    for p in ("A", "B", "C"):
        for n in (3, 1, 2, 5, 4):
            client.put_item(TableName=TABLE, Item={
                "pk": {"S": p}, "sk": {"S": f"{n:02d}"}, "gpk": {"S": f"G{n % 2}"}, "gsk": {"S": f"{p}{n}"}})
    return client


def _query(client, **kwargs) -> list[tuple[str, str]]:
    found, start = [], {}
    while True:
        page = client.query(TableName=TABLE, Limit=2, **kwargs, **start)
        found += [(i["pk"]["S"], i["sk"]["S"]) for i in page["Items"]]
        if "LastEvaluatedKey" not in page:
            return found
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}


def test_a_table_query_answers_its_partition_in_key_order_page_by_page(dynamodb):
    asked = {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "B"}}}
    assert _query(dynamodb, **asked) == [("B", f"{n:02d}") for n in (1, 2, 3, 4, 5)]
    assert _query(dynamodb, ScanIndexForward=False, **asked) == [("B", f"{n:02d}") for n in (5, 4, 3, 2, 1)]
    ranged = {"KeyConditionExpression": "pk = :p AND sk > :s",
              "ExpressionAttributeValues": {":p": {"S": "C"}, ":s": {"S": "03"}}}
    assert _query(dynamodb, **ranged) == [("C", "04"), ("C", "05")]
    nothing = {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "Z"}}}
    assert _query(dynamodb, **nothing) == []


def test_an_index_query_answers_across_partitions_in_index_order(dynamodb):
    found = _query(dynamodb, IndexName="by_g", KeyConditionExpression="gpk = :g",
                   ExpressionAttributeValues={":g": {"S": "G1"}})
    assert found == [(p, f"{n:02d}") for p in ("A", "B", "C") for n in (1, 3, 5)]


def test_an_index_query_follows_every_kind_of_write_after_the_first_one(dynamodb):
    def g(value):
        return _query(dynamodb, IndexName="by_g", KeyConditionExpression="gpk = :g",
                      ExpressionAttributeValues={":g": {"S": value}})

    assert g("G0") == [(p, f"{n:02d}") for p in ("A", "B", "C") for n in (2, 4)]  # the index keys are built now
    dynamodb.put_item(TableName=TABLE, Item={"pk": {"S": "D"}, "sk": {"S": "01"}, "gpk": {"S": "G0"},
                                             "gsk": {"S": "A0"}})
    dynamodb.update_item(TableName=TABLE, Key={"pk": {"S": "A"}, "sk": {"S": "02"}},
                         UpdateExpression="SET gpk = :g", ExpressionAttributeValues={":g": {"S": "G9"}})
    dynamodb.update_item(TableName=TABLE, Key={"pk": {"S": "B"}, "sk": {"S": "04"}}, UpdateExpression="REMOVE gpk")
    dynamodb.delete_item(TableName=TABLE, Key={"pk": {"S": "C"}, "sk": {"S": "02"}})
    dynamodb.transact_write_items(TransactItems=[
        {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "E"}, "sk": {"S": "01"}, "gpk": {"S": "G0"},
                                              "gsk": {"S": "Z9"}}}},
        {"Delete": {"TableName": TABLE, "Key": {"pk": {"S": "C"}, "sk": {"S": "04"}}}}])
    with pytest.raises(ClientError):  # a cancelled transaction changes nothing in the index either
        dynamodb.transact_write_items(TransactItems=[
            {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "F"}, "sk": {"S": "01"}, "gpk": {"S": "G0"},
                                                  "gsk": {"S": "B0"}}}},
            {"Update": {"TableName": TABLE, "Key": {"pk": {"S": "A"}, "sk": {"S": "04"}},
                        "UpdateExpression": "SET gpk = :g", "ConditionExpression": "attribute_not_exists(pk)",
                        "ExpressionAttributeValues": {":g": {"S": "G9"}}}}])
    assert g("G0") == [("D", "01"), ("A", "04"), ("B", "02"), ("E", "01")]  # in index order (gsk): A0 A4 B2 Z9
    assert g("G9") == [("A", "02")]
    dynamodb.batch_write_item(RequestItems={TABLE: [{"DeleteRequest": {"Key": {"pk": {"S": "D"}, "sk": {"S": "01"}}}}]})
    assert g("G0") == [("A", "04"), ("B", "02"), ("E", "01")]


def test_item_values_come_back_exactly_as_written(dynamodb):
    value = {"M": {"text": {"S": "打开后有很大的油漆味 <script>"}, "n": {"N": "-12.50"}, "flag": {"BOOL": False},
                   "none": {"NULL": True}, "list": {"L": [{"S": "a"}, {"N": "1"}, {"M": {}}]},
                   "strings": {"SS": ["x", "y"]}, "raw": {"B": b"\x00\xffbytes"}}}
    key = {"pk": {"S": "V"}, "sk": {"S": "1"}}
    dynamodb.put_item(TableName=TABLE, Item={**key, "v": value})
    item = dynamodb.get_item(TableName=TABLE, Key=key)["Item"]
    assert item["v"]["M"]["raw"] == {"B": b"\x00\xffbytes"}
    assert item["v"]["M"]["n"] == {"N": "-12.50"} and item["v"]["M"]["list"] == value["M"]["list"]
    assert sorted(item["v"]["M"]["strings"]["SS"]) == ["x", "y"]
    assert {k: v for k, v in item["v"]["M"].items() if k not in ("raw", "strings")} == {
        k: v for k, v in value["M"].items() if k not in ("raw", "strings")}


def test_an_item_over_the_size_limit_is_refused_and_one_under_it_stored(dynamodb):
    key = {"pk": {"S": "S"}, "sk": {"S": "1"}}
    with pytest.raises(ClientError) as refused:
        dynamodb.put_item(TableName=TABLE, Item={**key, "a": {"S": "x" * 300_000}, "b": {"S": "y" * 110_000}})
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert "Item" not in dynamodb.get_item(TableName=TABLE, Key=key)
    dynamodb.put_item(TableName=TABLE, Item={**key, "a": {"S": "x" * 300_000}, "b": {"S": "y" * 90_000}})
    assert len(dynamodb.get_item(TableName=TABLE, Key=key)["Item"]["b"]["S"]) == 90_000
