import requests

from tests.real_cases import ODOR, body

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 256


def presign(api, **changes):
    request = {"filename": "photo.png", "content_type": "image/png", "size": len(PNG), **changes}
    return api.call("POST", "/api/v1/uploads", request)


def upload(post, content: bytes, content_type="image/png"):
    response = requests.post(post["url"], data=post["fields"], files={"file": ("photo", content, content_type)},
                             timeout=10)
    assert response.status_code in (200, 204), response.text


def test_a_photo_goes_straight_to_s3_and_is_attached_to_the_complaint(api):
    post = presign(api)
    assert post.status_code == 201 and post.data["max_bytes"] == 10 * 1024 * 1024
    upload(post.data, PNG)
    receipt = api.call("POST", "/api/v1/complaints", body(ODOR, upload_ids=[post.data["upload_id"]])).data
    record = api.call("GET", f"/api/v1/staff/complaints/{receipt['complaint_id']}", user="service1").data
    [photo] = record["photos"]
    assert requests.get(photo["url"], timeout=10).content == PNG


def test_the_presigned_policy_limits_type_and_size(api):
    post = presign(api).data
    conditions = str(post["fields"])
    assert post["fields"]["Content-Type"] == "image/png" and "policy" in {k.lower() for k in post["fields"]}
    assert conditions  # the policy itself is base64; its limits are checked again on attach


def test_types_other_than_jpeg_png_webp_and_files_over_10_mib_are_refused_up_front(api):
    wrong_type = presign(api, content_type="image/svg+xml", filename="x.svg")
    too_big = presign(api, size=10 * 1024 * 1024 + 1)
    assert wrong_type.status_code == too_big.status_code == 400
    assert [f["field"] for f in wrong_type.data["error"]["fields"]] == ["content_type"]
    assert [f["field"] for f in too_big.data["error"]["fields"]] == ["size"]


def test_a_file_that_is_not_an_image_is_refused_when_attached_and_nothing_is_stored(api):
    post = presign(api).data
    upload(post, b"<script>alert(1)</script>" + b" " * 100, "image/png")
    response = api.call("POST", "/api/v1/complaints", body(ODOR, upload_ids=[post["upload_id"]]))
    assert response.status_code == 400
    assert response.data["error"]["fields"][0]["field"] == "upload_ids.0"
    assert api.outbox() == []


def test_an_upload_over_10_mib_is_refused_on_attach_even_though_local_s3_accepted_it(api):
    post = presign(api).data
    upload(post, PNG + b"\x00" * (10 * 1024 * 1024))
    response = api.call("POST", "/api/v1/complaints", body(ODOR, upload_ids=[post["upload_id"]]),
                        headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "10 MB" in response.data["error"]["fields"][0]["message"]


def test_more_than_six_photos_or_made_up_ids_are_refused(api):
    seven = [f"{n:032x}" for n in range(7)]
    assert api.call("POST", "/api/v1/complaints", body(ODOR, upload_ids=seven)).status_code == 400
    traversal = api.call("POST", "/api/v1/complaints", body(ODOR, upload_ids=["../../etc/passwd"]))
    assert traversal.status_code == 400 and traversal.data["error"]["fields"][0]["field"] == "upload_ids.0"
