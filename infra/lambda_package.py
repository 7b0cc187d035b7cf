"""The project `chalice package` packages: the app, with its dependencies built for the Lambda target.

Chalice installs requirements.txt for the interpreter it runs on (3.11 on x86_64 here), and Lambda
runs python3.13 on arm64. So `make package` gives Chalice a copy of the project without a
requirements.txt and with the dependencies already in `vendor/`, installed by pip as wheels for
the target (never built from source on this machine); Chalice puts `vendor/` into deployment.zip
as it is. `python -m infra.lambda_package DIR` writes that copy; RUNTIME and ARCHITECTURE are
what the template's functions declare (infra/template.py), so the two cannot disagree.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

RUNTIME = "python3.13"
ARCHITECTURE = "arm64"
PYTHON_VERSION = RUNTIME.removeprefix("python")
# wheels the runtime's glibc takes (Amazon Linux 2023: 2.34), newest first: pip picks the first it finds
PLATFORMS = ("manylinux_2_34_aarch64", "manylinux_2_28_aarch64", "manylinux2014_aarch64")

ROOT = Path(__file__).resolve().parents[1]
COPIED = ("app.py", "chalicelib", ".chalice/config.json", ".chalice/policy-replaced-by-infra.json")
NOT_PACKAGED = shutil.ignore_patterns("__pycache__", "*.pyc")


def install_command(target: Path) -> list[str]:
    platforms = [arg for platform in PLATFORMS for arg in ("--platform", platform)]
    return [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
            *platforms, "--python-version", PYTHON_VERSION, "--implementation", "cp", "--only-binary=:all:",
            "--target", str(target), "-r", str(ROOT / "requirements.txt")]


def write_project(directory: Path) -> None:
    if directory.exists():
        shutil.rmtree(directory)
    for name in COPIED:
        source, copy = ROOT / name, directory / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, copy, ignore=NOT_PACKAGED)
        else:
            shutil.copy2(source, copy)
    vendor = directory / "vendor"
    subprocess.run(install_command(vendor), check=True)
    shutil.rmtree(vendor / "bin", ignore_errors=True)  # console scripts (cffi-gen-src): nothing runs them


if __name__ == "__main__":
    write_project(Path(sys.argv[1]).resolve())
