"""deployment.zip is built for where it runs, Lambda's python3.13 on arm64 (Graviton), not for the
machine that packaged it: every function declares that runtime and architecture, and every compiled
module in the zip is an aarch64 build for CPython 3.13 or for the stable ABI (infra/lambda_package.py).
"""
import ast
import json
import re
import struct
import zipfile
from datetime import date, timedelta
from pathlib import Path

import cfnlint
import pytest

from infra.lambda_package import ARCHITECTURE, PYTHON_VERSION, RUNTIME

ABI = "cp" + PYTHON_VERSION.replace(".", "")  # cp313
ELF_AARCH64 = 0xB7  # e_machine of an ARM 64-bit ELF file
# the standard library modules PEP 594 removed in 3.13 (the local stack's 3.11 still has them)
REMOVED_IN_313 = {"aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr", "mailcap", "msilib", "nis",
                  "nntplib", "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau", "telnetlib", "uu", "xdrlib", "lib2to3"}
SHARED_OBJECT = re.compile(r"\.so(\.\d+)*$")
EXTENSION = re.compile(r"\.(?:cpython-(?P<version>\d+)-(?P<platform>[\w-]+)|(?P<abi3>abi3))\.so$")


@pytest.fixture(scope="module")
def package(packaged):
    with zipfile.ZipFile(packaged["zip"]) as opened:
        yield opened


def wheel_tags(package: zipfile.ZipFile) -> dict[str, list[str]]:
    """dist-info directory -> the `Tag:` lines of its WHEEL file (python-abi-platform)."""
    return {name.split("/")[0]: [line.split(":", 1)[1].strip() for line in package.read(name).decode().splitlines()
                                 if line.startswith("Tag:")]
            for name in package.namelist() if re.fullmatch(r"[^/]+\.dist-info/WHEEL", name)}


def test_every_function_declares_the_runtime_and_architecture_the_zip_is_built_for(packaged):
    functions = {k: r["Properties"] for k, r in packaged["template"]["Resources"].items()
                 if r["Type"] == "AWS::Serverless::Function"}
    assert functions and {(f["Runtime"], tuple(f["Architectures"])) for f in functions.values()} == \
        {(RUNTIME, (ARCHITECTURE,))}
    assert (RUNTIME, ARCHITECTURE) == ("python3.13", "arm64")


def test_every_installed_wheel_is_pure_python_or_an_aarch64_build_for_cpython_313_or_the_stable_abi(package):
    tags = wheel_tags(package)
    assert {"pydantic_core", "cryptography", "cffi"} <= {d.split("-")[0] for d in tags}
    for dist_info, lines in tags.items():
        assert lines, dist_info
        for tag in lines:
            python, abi, platform = tag.split("-")
            if platform == "any":
                assert abi == "none", (dist_info, tag)
                continue
            assert platform.endswith("_aarch64") and platform.startswith("manylinux"), (dist_info, tag)
            if abi == "abi3":  # built against the stable ABI of an older CPython 3: loads on 3.13
                assert python.startswith("cp3") and int(python[3:]) <= int(ABI[3:]), (dist_info, tag)
            else:
                assert (python, abi) == (ABI, ABI), (dist_info, tag)


def test_every_compiled_module_is_an_arm64_elf_named_for_cpython_313_or_the_stable_abi(package):
    compiled = [n for n in package.namelist() if SHARED_OBJECT.search(n)]
    assert any("pydantic_core/" in n for n in compiled) and any("cryptography/" in n for n in compiled)
    for name in compiled:
        header = package.read(name)[:20]
        assert header[:4] == b"\x7fELF" and header[4] == 2, name  # a 64-bit ELF
        assert struct.unpack("<H", header[18:20])[0] == ELF_AARCH64, name
        extension = EXTENSION.search(name)
        if extension and not extension["abi3"]:
            assert (extension["version"], extension["platform"]) == (ABI[2:], "aarch64-linux-gnu"), name
        elif not extension:  # a bundled library (`*.libs/libfoo.so.1`), not a module: the ELF check is all
            assert not name.endswith(".so") or ".libs/" in name, name


def test_the_zip_holds_no_bytecode_or_scripts_of_the_packaging_machine(package):
    names = package.namelist()
    assert not [n for n in names if n.endswith(".pyc") or "/__pycache__/" in n or n.startswith("bin/")]
    assert "app.py" in names and "chalice/app.py" in names


def test_the_app_imports_no_module_python_313_removed(package):
    for name in (n for n in package.namelist() if n == "app.py" or (n.startswith("chalicelib/") and n.endswith(".py"))):
        tree = ast.parse(package.read(name))
        imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module and not node.level}
        assert not imported & REMOVED_IN_313, (name, imported & REMOVED_IN_313)


def test_the_runtime_is_more_than_a_year_from_its_deprecation():
    """cfn-lint's copy of Lambda's runtime table (cfn-lint fails the build once a runtime is deprecated):
    this fails a year earlier, time enough to move RUNTIME on (infra/lambda_package.py)."""
    table = json.loads((Path(cfnlint.__file__).parent / "data" / "AdditionalSpecs" /
                        "LmbdRuntimeLifecycle.json").read_text())
    deprecated = date.fromisoformat(table[RUNTIME]["deprecated"])
    assert deprecated - date.today() > timedelta(days=365), (RUNTIME, deprecated, table[RUNTIME]["successor"])
