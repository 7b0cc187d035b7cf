"""Erasure through the HTTP API: every spelling of the phone, every copy (exports, photo versions), what went."""
from __future__ import annotations

import io
import json
import re
import unicodedata
from datetime import date, timedelta

import pytest
import requests
from openpyxl import load_workbook

from chalicelib import clients
from tests.real_cases import body
from chalicelib.services import exports
from tests.api.test_admin_api import ODOR, erase, ok, partition_texts, record, submit, upload_photo

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPELLINGS = ("138.0013.8000", "１３８００１３８０００", "(+86) 138-0013 8000", "１３８ ００１３ ８０００")


def holds_the_phone(text: str) -> bool:
    """The number 13800138000 in any spelling: NFKC form, separators dropped."""
    return "13800138000" in re.sub(r"[\s.\-()/+]", "", unicodedata.normalize("NFKC", text))


def act(api, cid, action, user="sales_cs", **data):
    return ok(api.call("POST", f"/api/v1/staff/complaints/{cid}/actions", {"action": action, **data}, user=user))


def export(api, fmt, accept=None):
    since = date.today() - timedelta(days=1)
    headers = {"Accept": accept} if accept else {}
    return api.call("GET", f"/api/v1/staff/export?format={fmt}&received_from={since}", user="manager1",
                    headers=headers)


def xlsx_text(raw: bytes) -> str:
    sheet = load_workbook(io.BytesIO(raw)).active
    return json.dumps([[c.value for c in line] for line in sheet.iter_rows()], ensure_ascii=False, default=str)


@pytest.fixture
def spelled_out(api):
    """A complaint naming the customer's phone in four spellings: description, a note, the feedback form."""
    cid = submit(api, description=f"油漆味很大, 请打 {SPELLINGS[0]} 或 {SPELLINGS[1]}")["complaint_id"]
    act(api, cid, "contact", note=f"已致电 {SPELLINGS[2]}")
    act(api, cid, "submit_feedback_form", investigation="现场查看, 确有异味", sample_provided=True,
        certificate_provided=False, customer_request=f"换货, 到货后请打 {SPELLINGS[3]}")
    api.outbox()
    return cid


def test_before_erasure_every_view_shows_the_phone_spellings(api, spelled_out):
    assert holds_the_phone(record(api, spelled_out)["description"].split("请打")[1])
    assert all(s in partition_texts(spelled_out) for s in SPELLINGS)


def test_after_erasure_no_spelling_of_the_phone_is_left_in_any_view(api, spelled_out):
    cid = spelled_out
    erased = ok(erase(api, cid))
    assert erased["description"] == "油漆味很大, 请打 [已删除] 或 [已删除]"
    assert erased["feedback_form"]["customer_request"] == "换货, 到货后请打 [已删除]"
    views = {
        "answer": json.dumps(erased, ensure_ascii=False),
        "detail": json.dumps(record(api, cid, user="sales_cs"), ensure_ascii=False),
        "csv": export(api, "csv").body.decode("utf-8-sig"),
        "xlsx": xlsx_text(export(api, "xlsx", accept=XLSX).body),
        "feedback form": api.call("GET", f"/api/v1/staff/complaints/{cid}/feedback-form", user="manager1").body.decode(),
        "dynamodb": partition_texts(cid),
    }
    assert cid in views["csv"] and cid in views["xlsx"]
    assert [name for name, text in views.items() if holds_the_phone(text) or "张先生" in text] == []


def test_export_files_stored_before_the_erasure_are_deleted_and_their_links_serve_nothing(api, spelled_out,
                                                                                           monkeypatch):
    monkeypatch.setattr(exports, "DIRECT_MAX_ROWS", 0)  # every export a stored file with a link
    links = [ok(export(api, "csv"))["download_url"], ok(export(api, "xlsx"))["download_url"]]
    assert [requests.get(url, timeout=10).status_code for url in links] == [200, 200]
    erased = ok(erase(api, spelled_out))
    assert erased["removed"]["export_files"] == 2
    # AWS answers 403, not 404, for a missing key to a signer without s3:ListBucket (the API has none);
    # moto answers a link with a response-content-disposition to a missing key 403 as well
    gone = [requests.get(url, timeout=10) for url in links]
    assert all(g.status_code in (403, 404) and "attachment" not in g.headers.get("Content-Disposition", "")
               for g in gone)
    listed = clients.client("s3").list_object_versions(Bucket=clients.settings().bucket_name, Prefix="exports/")
    assert listed.get("Versions", []) == listed.get("DeleteMarkers", []) == []


def test_an_export_made_after_the_erasure_is_kept_by_a_repeated_erasure(api, spelled_out, monkeypatch):
    ok(erase(api, spelled_out))
    monkeypatch.setattr(exports, "DIRECT_MAX_ROWS", 0)
    monkeypatch.setattr("chalicelib.services.erasure.EXPORT_IN_FLIGHT", timedelta(seconds=-5))
    link = ok(export(api, "csv"))["download_url"]
    assert ok(erase(api, spelled_out))["removed"]["export_files"] == 0
    assert requests.get(link, timeout=10).status_code == 200


def test_the_erasure_answer_keeps_the_staff_view_and_says_what_was_removed(api):
    upload_id, _ = upload_photo(api)
    customer = {**ODOR["customer"], "email": "zhang@example.com", "type": "consumer", "account_id": "VIP-88012345"}
    cid = submit(api, customer=customer, upload_ids=[upload_id], description="会员卡 VIP-88012345, 油漆味很大")[
        "complaint_id"]
    act(api, cid, "contact", note="已致电张先生")
    api.outbox()
    erased = ok(erase(api, cid))
    assert erased["id"] == cid and erased["erased"]["fields"] == ["name", "phone", "email", "account_id"]
    assert "account_id" not in erased["customer"] and erased["description"] == "会员卡 [已删除], 油漆味很大"
    removed = erased["removed"]
    assert (removed["fields"], removed["photos"], removed["photo_versions"], removed["export_files"]) == (4, 1, 1, 0)
    assert removed["items_rewritten"] >= 2  # the contact's history entry and the SMS naming the customer
    again = ok(erase(api, cid))["removed"]
    assert again == {"fields": 0, "items_rewritten": 0, "photos": 0, "photo_versions": 0, "export_files": 0,
                     "customer_messages": 0}


def test_a_distributors_account_id_stays_after_erasure(api):
    customer = {**ODOR["customer"], "type": "distributor", "account_id": "AFF-HN-001"}
    cid = submit(api, customer=customer)["complaint_id"]
    erased = ok(erase(api, cid))
    assert erased["customer"]["account_id"] == "AFF-HN-001" and "account_id" not in erased["erased"]["fields"]


def test_erasure_deletes_every_version_and_delete_marker_of_the_photos(api, stack):
    s3, bucket = clients.client("s3"), stack["BUCKET_NAME"]
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})  # as in AWS
    upload_id, key = upload_photo(api)
    cid = submit(api, upload_ids=[upload_id])["complaint_id"]
    s3.put_object(Bucket=bucket, Key=key, Body=b"\x89PNG\r\n\x1a\n" + b"\x01" * 64)  # a second version
    s3.put_object(Bucket=bucket, Key=f"{key}-other", Body=b"not this complaint's")
    erased = ok(erase(api, cid))
    assert erased["removed"]["photos"] == 1 and erased["removed"]["photo_versions"] == 2
    left = s3.list_object_versions(Bucket=bucket, Prefix=key)
    assert [v["Key"] for v in left.get("Versions", [])] == [f"{key}-other"] and not left.get("DeleteMarkers")


@pytest.mark.parametrize("customer", [{"name": "20"}, {"name": "ed"}, {"account_id": "2026", "type": "consumer"}])
def test_a_short_name_or_card_never_rewrites_times_statuses_or_kinds(api, customer):
    """What the complainant typed is looked for in what may quote them, never in timestamps or statuses."""
    cid = api.call("POST", "/api/v1/complaints", body(ODOR, customer={**ODOR["customer"], **customer})).data[
        "complaint_id"]
    api.call("POST", f"/api/v1/staff/complaints/{cid}/actions", {"action": "contact", "note": "2026 年 ed 已联系"},
             user="sales_cs")
    assert api.call("POST", f"/api/v1/admin/complaints/{cid}/erase", {}, user="admin1").status_code == 200
    record = api.call("GET", f"/api/v1/staff/complaints/{cid}", user="admin1")
    assert record.status_code == 200 and record.data["status"] == "investigating"
    assert [h["action"] for h in record.data["history"]][-1] == "erased"
