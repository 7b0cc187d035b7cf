import pytest
import requests

from chalicelib.adapters.photos import PhotoProblem, sniff_image_type
from chalicelib.domain.errors import DomainError
from chalicelib.wiring import adapters

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64


@pytest.mark.parametrize("head, kind", [(PNG, "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp"),
                                        (b"<svg xmlns=", None), (b"%PDF-1.7", None), (b"", None)])
def test_image_types_are_told_by_their_first_bytes(head, kind):
    assert sniff_image_type(head) == kind


def upload(upload_id: str, content: bytes, content_type="image/png"):
    post = adapters().photos.presign_upload(upload_id, content_type)
    response = requests.post(post["url"], data=post["fields"], files={"file": ("x", content, content_type)})
    assert response.status_code in (200, 204), response.text


def test_a_photo_uploaded_with_the_presigned_post_can_be_attached(stack):
    upload("a" * 32, PNG)
    assert adapters().photos.check("a" * 32) == "uploads/" + "a" * 32


@pytest.mark.parametrize("content, problem", [(b"#!/bin/sh\nrm -rf /\n", "not_an_image")])
def test_an_upload_that_is_not_an_image_is_refused_on_attach(stack, content, problem):
    upload("b" * 32, content)
    with pytest.raises(PhotoProblem, match=problem):
        adapters().photos.check("b" * 32)


def test_a_photo_never_uploaded_is_refused_on_attach(stack):
    with pytest.raises(PhotoProblem, match="not_uploaded"):
        adapters().photos.check("c" * 32)


def test_a_photo_problem_is_a_domain_error():
    assert issubclass(PhotoProblem, DomainError)
