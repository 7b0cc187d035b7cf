"""One vocabulary: the enums of `domain/model.py` are the values, `domain/labels.py` their words and the
lists the pages offer; the pages' scripts and templates take them from there and list none themselves."""
from __future__ import annotations

import enum
import json
import re
import typing
from pathlib import Path

import pytest

from chalicelib.domain import labels
from chalicelib.domain.model import (
    Category, Channel, Clock, CustomerType, DesiredResolution, HandlingType, ServiceDimension, Severity, Status,
)
from chalicelib.domain.workflow import TRANSITIONS
from chalicelib.handlers import pages

WEB = Path(pages.WEB)
ENUMS = (Status, Severity, Channel, Category, CustomerType, DesiredResolution, HandlingType, ServiceDimension, Clock)
PAGE_LIST_OF = {"status": Status, "severity": Severity, "channel": Channel, "entry_channel": Channel,
                "category": Category, "customer_type": CustomerType, "desired_resolution": DesiredResolution,
                "handling_type": HandlingType, "clock": Clock}
IN_ENUM_ORDER = ("status", "severity", "channel", "category", "handling_type", "clock")
RECORD_WORDS_OF = {Status: labels.STATUS, Severity: labels.SEVERITY, Channel: labels.CHANNEL,
                   Category: labels.CATEGORY, CustomerType: labels.CUSTOMER_TYPE, HandlingType: labels.HANDLING,
                   ServiceDimension: labels.SERVICE_DIMENSION}


def served_vocabulary(page: str, lang: str = "zh") -> dict:
    found = re.search(r'<script type="application/json" id="vocabulary">(.*?)</script>', pages.render(page, lang))
    return json.loads(found.group(1))


@pytest.mark.parametrize("enum", RECORD_WORDS_OF, ids=lambda e: e.__name__)
def test_every_value_of_an_enum_has_its_words_on_the_record_and_no_other_value_has(enum):
    assert set(RECORD_WORDS_OF[enum]) == set(enum)


@pytest.mark.parametrize("name", PAGE_LIST_OF)
def test_the_pages_list_every_value_of_the_enum_once_and_nothing_else(name):
    values = served_vocabulary("console")["lists"][name]["values"]
    assert sorted(values) == sorted(PAGE_LIST_OF[name])
    if name in IN_ENUM_ORDER:
        assert values == list(PAGE_LIST_OF[name])


def test_the_served_vocabulary_is_the_same_on_every_page_and_in_either_language():
    assert served_vocabulary("status") == served_vocabulary("console") == served_vocabulary("console", "en")


def test_the_public_steps_are_the_ones_the_statuses_map_to_in_the_order_a_complaint_takes():
    assert set(labels.PUBLIC_STEP) == set(Status)
    assert set(labels.PUBLIC_STEP.values()) == set(labels.PUBLIC_STEPS) == set(labels.PUBLIC_STEP_ON_PAGES)
    assert served_vocabulary("status")["lists"]["public_step"]["values"] == list(labels.PUBLIC_STEPS)


def test_the_public_form_offers_every_category_wish_and_customer_type_in_the_pages_order():
    for lang in ("zh", "en"):
        form = pages.render("form", lang)
        lists = served_vocabulary("console")["lists"]
        assert re.findall(r'name="category" value="(\w+)"', form) == lists["category"]["values"]
        assert re.findall(r'name="desired_resolution" value="(\w+)"', form) == lists["desired_resolution"]["values"]
        select = form.split('id="customer-type"')[1].split("</select>")[0]
        assert re.findall(r'<option value="(\w+)">', select) == lists["customer_type"]["values"]


def test_the_public_form_and_the_api_offer_the_same_quantity_units_in_the_pages_order():
    from chalicelib.api.fields import ProductIn

    units = served_vocabulary("console")["lists"]["quantity_unit"]["values"]
    select = pages.render("form", "zh").split('id="quantity-unit"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\w+)">', select) == units == list(labels.QUANTITY_UNIT)
    assert set(typing.get_args(typing.get_args(ProductIn.model_fields["unit"].annotation)[0])) == set(units)


def test_every_listed_value_has_its_words_in_both_languages():
    zh, en = labels.page_words("zh"), labels.page_words("en")
    for name, entry in served_vocabulary("console")["lists"].items():
        for value in entry["values"]:
            assert zh[entry["prefix"] + value] and en[entry["prefix"] + value], (name, value)
    for category in Category:
        assert zh[f"cat_{category}_hint"] and en[f"cat_{category}_hint"]


def test_strings_json_keeps_only_texts_that_are_not_words_of_the_vocabulary():
    strings = json.loads((WEB / "strings.json").read_text(encoding="utf-8"))
    assert not set(strings) & set(labels.page_words("zh"))


def test_each_action_of_the_workflow_has_a_form_and_words():
    assert set(served_vocabulary("console")["actions"]) == set(TRANSITIONS) == set(labels.ACTION_FORMS)
    assert set(TRANSITIONS) <= set(labels.ACTION)
    fields = {f.name for form in labels.ACTION_FORMS.values() for f in form}
    assert fields <= set(labels.ACTION_FIELD)


def test_each_action_form_asks_for_exactly_the_fields_of_its_model_with_the_same_choices():
    from chalicelib.api.staff_models import ACTION_MODELS

    lists = served_vocabulary("console")["lists"]
    for model in ACTION_MODELS:
        action = typing.get_args(model.model_fields["action"].annotation)[0]
        form = {f.name: f for f in labels.ACTION_FORMS[action]}
        declared = {name: info for name, info in model.model_fields.items() if name != "action"}
        assert set(form) == set(declared), action
        for name, field in form.items():
            if field.kind != "check":  # a box is always sent, ticked or not
                assert field.required == declared[name].is_required(), (action, name)
            if field.kind == "choice":
                assert set(lists[field.choices]["values"]) == _allowed(declared[name]), (action, name)


def _allowed(info) -> set[str]:
    """The values a model's field accepts: a Literal's, an enum's, or the whole numbers within its bounds."""
    if typing.get_origin(info.annotation) is typing.Literal:
        return set(typing.get_args(info.annotation))
    if isinstance(info.annotation, type) and issubclass(info.annotation, enum.Enum):
        return {member.value for member in info.annotation}
    bounds = {name: getattr(m, name) for m in info.metadata for name in ("ge", "le") if hasattr(m, name)}
    return {str(n) for n in range(bounds["ge"], bounds["le"] + 1)}


def _value_sets() -> dict[str, set[str]]:
    sets = {enum.__name__: {v.value for v in enum} for enum in ENUMS}
    sets.update({name: set(table) for name, (_, table) in labels.PAGE_LISTS.items()})
    return sets


def _literal_lists(code: str) -> list[list[str]]:
    """The strings of every innermost array literal and the keys of every innermost object literal."""
    arrays = [re.findall(r"\"([^\"]*)\"|'([^']*)'", inner) for inner in re.findall(r"\[([^\[\]]*)\]", code)]
    found = [[a or b for a, b in array] for array in arrays]
    found += [re.findall(r"[\"']?\b(\w+)[\"']?\s*:", inner) for inner in re.findall(r"\{([^{}]*)\}", code)]
    return found


@pytest.mark.parametrize("path", sorted((WEB / "static").glob("*.js")) + sorted(WEB.glob("*.html")),
                         ids=lambda p: p.name)
def test_no_script_or_template_hard_codes_a_list_of_the_vocabulary(path):
    code = path.read_text(encoding="utf-8")
    lists = _literal_lists(code)
    if path.suffix == ".html":
        lists.append(re.findall(r'value="(\w+)"', code))
    for values in lists:
        for name, vocabulary in _value_sets().items():
            listed = [v for v in values if v in vocabulary]
            assert len(listed) < 2, f"{path.name} lists {name} values {listed}: take them from App.vocabulary"


def test_the_old_hard_coded_lists_would_have_been_found():
    old = 'var CHANNELS = ["hotline", "letter", "web"]; var SEVERITY_RANK = {critical: 0, major: 1, normal: 2};'
    caught = [values for values in _literal_lists(old) if len(set(values) & _value_sets()["Channel"]) >= 2
              or len(set(values) & _value_sets()["Severity"]) >= 2]
    assert len(caught) == 2
