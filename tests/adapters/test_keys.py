"""Every key of the table has one owner (chalicelib/adapters/keys.py) and is in the access-pattern table
(chalicelib/resources.py): a prefix written anywhere else, or one the table does not list, fails here."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from chalicelib import resources
from chalicelib.adapters import keys

ROOT = Path(__file__).resolve().parents[2] / "chalicelib"
PREFIX = re.compile(r"^[A-Z][A-Z_]{2,}#")
CONSTANTS = {name: value for name, value in vars(keys).items() if name.isupper() and isinstance(value, str)}


def string_parts(tree: ast.AST):
    """Every string literal of a module, the fixed parts of f-strings included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def test_no_module_but_keys_writes_a_key_prefix():
    found = []
    for path in ROOT.rglob("*.py"):
        if path.name in ("keys.py", "resources.py"):
            continue
        for line, text in string_parts(ast.parse(path.read_text(encoding="utf-8"))):
            if PREFIX.match(text):
                found.append(f"{path.relative_to(ROOT)}:{line} {text!r}")
    assert found == []


def test_every_prefix_and_fixed_partition_is_in_the_access_pattern_table():
    table = resources.__doc__ or ""
    missing = [f"{name} = {value!r}" for name, value in CONSTANTS.items() if value not in table]
    assert missing == []


def test_the_table_names_no_prefix_the_code_does_not_know():
    table = resources.__doc__ or ""
    listed = set(re.findall(r"\b([A-Z][A-Z_]{2,}#)", table))
    known = {value for value in CONSTANTS.values() if value.endswith("#")}
    known |= {m.group(0) for value in CONSTANTS.values() for m in re.finditer(r"[A-Z][A-Z_]{2,}#", value)}
    assert listed - known == set()


def test_a_key_prefix_outside_the_owner_would_be_caught(tmp_path):
    tree = ast.parse('pk = f"COMPLAINT#{complaint_id}"\nsk = "META"')
    assert [text for _, text in string_parts(tree) if PREFIX.match(text)] == ["COMPLAINT#"]
