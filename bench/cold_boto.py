"""Cold start, the baseline: a fresh process imports boto3 and pydantic, checks the body with a small
pydantic model and makes the same DynamoDB write as the app (its TransactWriteItems) by hand.

Run by bench/run.py with the stack's environment; argv[1] is the body, argv[2] the write's parameters.
"""
import time

STARTED = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

import boto3  # noqa: E402
import pydantic  # noqa: E402


class Customer(pydantic.BaseModel):
    name: str
    phone: str
    type: str
    province: str
    city: str | None = None


class Product(pydantic.BaseModel):
    sku: str
    name: str
    production_date: str | None = None
    quantity: int = 1


class Body(pydantic.BaseModel):
    customer: Customer
    product: Product
    category: str
    description: str
    desired_resolution: str
    consent: bool


IMPORTED = time.perf_counter()
Body.model_validate_json(sys.argv[1])
write = json.loads(sys.argv[2])
dynamodb = boto3.session.Session().client("dynamodb", region_name=os.environ["AWS_DEFAULT_REGION"])
dynamodb.transact_write_items(**write)
ANSWERED = time.perf_counter()
print(json.dumps({"status": 201, "import_s": IMPORTED - STARTED, "answer_s": ANSWERED - IMPORTED}), flush=True)
