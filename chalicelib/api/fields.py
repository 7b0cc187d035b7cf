"""The field types of the HTTP models and the complaint body that the public form and staff entry extend.

Both `models.py` (the public routes) and `staff_models.py` build on this module, and neither on the other's
definitions: `models.py` only hands the staff models out, importing them when first asked for.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from chalicelib.domain.labels import QUANTITY_UNIT
from chalicelib.domain.model import Category, CustomerType, DesiredResolution, ServiceDimension

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# embeddings, overrides, isolates and the three direction marks: a page would show the text reordered
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
# Chinese mobile numbers, 11 ASCII digits in ranges libphonenumber's metadata for CN holds valid (its mobile
# pattern less the 1610 and 1740 blocks, left to it); tests/unit/test_api_models.py checks that they agree.
_CN_MOBILE = re.compile(r"1(?:[38]\d|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])\d{8}", re.ASCII)


def _shown_as_written(value: str) -> str:
    """Text a page or a spreadsheet shows: no control characters and no bidirectional controls, which
    would make it read otherwise than stored (a name shown reversed, a filename ending in "gnp.exe").

    Multi-line text is held to this too: a note or a description is shown in the console and the
    exports like a name, and a direction control between digits would also hide a phone number
    from the erasure's search; nobody needs one in Chinese or English text."""
    if _CONTROL.search(value):
        raise PydanticCustomError("control_characters", "contains control characters")
    if _BIDI.search(value):
        raise PydanticCustomError("bidi_controls", "contains text direction control characters")
    return value


def _one_line(value: str) -> str:
    if "\n" in value or "\r" in value or "\t" in value:
        raise PydanticCustomError("control_characters", "contains control characters")
    return value


def _phone(value: str) -> str:
    """Chinese numbers (mobile or landline with area code) or international E.164, stored as E.164.

    A plain Chinese mobile number, what most people give, is checked against its ranges; any other
    number by libphonenumber, imported for it (on a cold start it costs more than the rest of the check)."""
    if _CN_MOBILE.fullmatch(value):
        return f"+86{value}"
    import phonenumbers

    try:
        parsed = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        raise PydanticCustomError("phone_invalid", "not a valid phone number") from None
    if not phonenumbers.is_valid_number(parsed):
        raise PydanticCustomError("phone_invalid", "not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise PydanticCustomError("email_invalid", "not a valid e-mail address")
    return value.lower()


def _not_future_date(value: date | None) -> date | None:
    if value is not None and value > datetime.now(UTC).date():
        raise PydanticCustomError("date_in_future", "cannot be in the future")
    return value


QuantityUnit = Literal[tuple(QUANTITY_UNIT)]  # type: ignore[valid-type]  # the keys of labels.QUANTITY_UNIT
Shown = AfterValidator(_shown_as_written)  # in every text type below (after its length, so errors say string_*)
Line = Annotated[str, Field(min_length=1, max_length=100), Shown, AfterValidator(_one_line)]
Text = Annotated[str, Field(min_length=1, max_length=2000), Shown]
Phone = Annotated[str, Field(min_length=3, max_length=30), Shown, AfterValidator(_phone)]
Email = Annotated[str, Field(max_length=254), Shown, AfterValidator(_email)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)  # built when first used


class CustomerIn(Model):
    name: Annotated[Line, Field(max_length=50)]
    phone: Phone
    email: Email | None = None
    type: CustomerType = CustomerType.CONSUMER
    province: Annotated[Line, Field(max_length=20)] | None = None
    city: Annotated[Line, Field(max_length=20)] | None = None
    address: Annotated[Line, Field(max_length=200)] | None = None
    account_id: Annotated[Line, Field(max_length=40)] | None = None


class ProductIn(Model):
    sku: Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{1,20}$")] | None = None
    name: Line | None = None
    production_date: Annotated[date | None, AfterValidator(_not_future_date)] = None
    batch: Annotated[Line, Field(max_length=40)] | None = None
    purchase_place: Line | None = None
    quantity: Annotated[int, Field(ge=1, le=100000)] | None = None
    unit: QuantityUnit | None = None  # type: ignore[valid-type]  # what the quantity counts

    @field_validator("sku")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else value

    @model_validator(mode="after")
    def _named(self) -> ProductIn:
        if not self.sku and not self.name:
            raise PydanticCustomError("sku_or_name_required", "give the product SKU or its name")
        return self


class ComplaintIn(Model):
    customer: CustomerIn
    product: ProductIn
    category: Category
    description: Annotated[Text, Field(min_length=2)]  # 纸巾发霉 is a complaint
    desired_resolution: DesiredResolution | None = None
    service_dimension: ServiceDimension | None = None
    other_categories: Annotated[list[Category], Field(max_length=5)] = []  # besides `category`, the main one
    upload_ids: Annotated[list[Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]], Field(max_length=6)] = []
    consent: bool = False

    @field_validator("upload_ids", "other_categories")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise PydanticCustomError("duplicate_items", "has duplicate items")
        return value

    @field_validator("other_categories")
    @classmethod
    def _main_not_again(cls, value: list[Category], info: ValidationInfo) -> list[Category]:
        if info.data.get("category") in value:  # absent when the main category itself was wrong
            raise PydanticCustomError("main_category_repeated", "holds the main category")
        return value
