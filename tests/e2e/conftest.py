"""End-to-end fixtures: one spawned local system per test module, one headless Chromium per session.

Every page a test opens records console errors and uncaught exceptions; a test fails when any
appears (a 4xx the test provokes on purpose is declared with `expect_http_error`). Screenshots go
to build/screenshots (override with E2E_ARTIFACTS), the local system's log to build/e2e/.
"""
from __future__ import annotations

import os
import re
import struct
import zlib
from pathlib import Path

import pytest

from infra import spawn

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", ROOT / "build" / "screenshots"))
LOGS = ROOT / "build" / "e2e"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 860}


@pytest.fixture(scope="module")
def system(request):
    """`python -m infra.local` on free ports, as a person starts it; yields the app's base URL."""
    LOGS.mkdir(parents=True, exist_ok=True)
    with open(LOGS / f"{request.module.__name__.rsplit('.', 1)[-1]}.log", "w") as log, \
            spawn.local_system(log) as started:
        yield started.base_url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make browser` (infra/ensure_chromium.sh)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageProblems:
    """Console errors and uncaught exceptions of the pages a test opened."""

    def __init__(self):
        self.errors: list[str] = []
        self.expected: list[tuple[int, str]] = []

    def watch(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def _console(self, message) -> None:
        if message.type != "error":
            return
        text = message.text
        failed = re.search(r"status of (\d{3})", text)
        location = message.location or {}
        url = location.get("url", "")
        if failed and any(int(failed.group(1)) == status and part in url for status, part in self.expected):
            return
        self.errors.append(f"console error: {text} ({url}:{location.get('lineNumber')}:{location.get('columnNumber')})")


@pytest.fixture
def problems():
    found = PageProblems()
    yield found
    assert not found.errors, "errors in the page:\n" + "\n".join(found.errors)


@pytest.fixture
def open_page(browser, problems):
    """open_page(url, phone=True) -> a new page in its own context (own sessionStorage); `viewport` for
    another size than PHONE or DESKTOP."""
    contexts = []

    def open_(url: str, phone: bool = True, viewport: dict | None = None, **options):
        context = browser.new_context(viewport=viewport or (PHONE if phone else DESKTOP), locale="zh-CN",
                                      timezone_id="Asia/Shanghai", **options)
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        problems.watch(page)
        page.goto(url)
        return page

    yield open_
    for context in contexts:
        context.close()


def shoot(page, name: str, full_page: bool = True) -> Path:
    """A screenshot kept as a test artifact: <name>-<width>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    path = ARTIFACTS / f"{name}-{'phone' if width < 600 else 'desktop'}-{width}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def shoot_both(page, name: str) -> None:
    """The page as it is now, at phone and at desktop width."""
    original = dict(page.viewport_size)
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.wait_for_timeout(50)
        shoot(page, name)
    page.set_viewport_size(original)


def check_accessibility(page, context: str) -> None:
    """axe-core (WCAG 2 A/AA rules) on the page as it is now: no serious or critical violation."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not serious, f"accessibility problems on {context}: {serious}"


def png_bytes(width: int = 64, height: int = 48, rgb: tuple[int, int, int] = (200, 60, 40)) -> bytes:
    """A small real PNG (a coloured rectangle), made here so the tests need no image files."""
    row = b"\x00" + bytes(rgb) * width
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
