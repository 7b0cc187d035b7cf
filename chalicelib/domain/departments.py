"""Responsible departments: a managed list, so that a quality result names one of them by its code.

Free text is what split the statistics (卷纸车间 vs 卷纸 车间): a QC result takes a department's code, or
its name in any spelling `normal_name` forgives, and stores the code. A company that keeps no list yet
(none defined) records the text as written, as before.
"""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.domain.errors import RuleViolation
from chalicelib.domain.finding import normal_name

LISTED_IN_MESSAGE = 12  # at most this many departments are named in the refusal's message


def resolve(text: str, departments: Mapping[str, str], field: str = "responsible_department") -> str:
    """The code of the department `text` names (its code in any case, or its name); `departments` maps
    code -> name. Empty: the text itself. Else RuleViolation on `field`, listing the codes when few."""
    if not departments:
        return text
    code = text.strip().upper()
    if code in departments:
        return code
    named = [c for c, name in departments.items() if normal_name(name) == normal_name(text)]
    if len(named) == 1:
        return named[0]
    raise RuleViolation(field, unknown_message(departments))


def unknown_message(departments: Mapping[str, str]) -> str:
    """The refusal's message kind, with the choices after a colon when they are few (api/errors.py)."""
    if len(departments) > LISTED_IN_MESSAGE:
        return "unknown_department"
    return "unknown_department:" + ", ".join(f"{code} {name}" for code, name in sorted(departments.items()))


def name_taken(code: str, name: str, departments: Mapping[str, str]) -> bool:
    """Whether another department has this name (in any spelling): names must tell departments apart."""
    return any(c != code and normal_name(n) == normal_name(name) for c, n in departments.items())
