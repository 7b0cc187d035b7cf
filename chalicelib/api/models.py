"""Request models of the HTTP contract (pydantic v2).

Defined here: what the public routes take, the complaint form first; the field types and the complaint
body they share with the staff models are in fields.py. The models of what staff and operators send are
in staff_models.py and are reached through this module all the same (`models.ListParams`): it imports
them the first time one is asked for, so a cold start that serves the public form never defines them.
openapi.py builds the OpenAPI document from both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError

from chalicelib.api import errors
from chalicelib.api.fields import ComplaintIn, Model, Shown
from chalicelib.resources import PHOTO_MAX_BYTES, PHOTO_TYPES

M = TypeVar("M", bound=BaseModel)


class PublicComplaintIn(ComplaintIn):
    """The public form: consent to processing the data is required."""

    @field_validator("consent")
    @classmethod
    def _consented(cls, value: bool) -> bool:
        if value is not True:
            raise PydanticCustomError("consent_required", "consent is required")
        return value


class UploadIn(Model):
    filename: Annotated[str, Field(min_length=1, max_length=200), Shown]
    content_type: Literal[PHOTO_TYPES]  # type: ignore[valid-type]
    size: Annotated[int, Field(ge=1, le=PHOTO_MAX_BYTES)]


class SurveyIn(Model):
    """The customer's answer to the survey link: the token of the link, one to five stars, a comment."""

    token: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{16,64}$")]
    rating: Annotated[int, Field(ge=1, le=5)]
    comment: Annotated[str, Field(min_length=1, max_length=500), Shown] | None = None


class AccessCodeIn(Model):
    """A new access code, asked for with the last four digits of the phone on file."""

    phone_last4: Annotated[str, Field(pattern=r"^[0-9]{4}$")]


class LoginIn(Model):
    username: Annotated[str, Field(min_length=1, max_length=128), Shown]
    password: Annotated[str, Field(min_length=1, max_length=256)]


def parse_query(model: type[M], params: Mapping[str, str] | None, lang: str) -> M:
    """Query-string parameters (all strings) validated by a model; errors name the parameter."""
    from pydantic import ValidationError

    try:
        return model.model_validate(params or {})
    except ValidationError as invalid:
        raise errors.ValidationFailed(fields=errors.field_errors(invalid, lang)) from None


def __getattr__(name: str) -> Any:
    """`models.X` for the staff models: staff_models.py is imported the first time one is asked for."""
    if not name.startswith("__"):
        from chalicelib.api import staff_models

        if name in staff_models.__all__:
            return getattr(staff_models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
