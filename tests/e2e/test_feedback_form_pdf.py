"""The printable feedback form as Chromium prints it: page.pdf(format="A4") of the page is one page for the
hotel case with every text as long as the API allows, its sign-off rows included. The pages are built
without a system (tests/unit/test_feedback_form_print.py builds the complaints and tests the layout rules);
the session's headless Chromium prints them."""
from __future__ import annotations

import re

from chalicelib.services.feedback_form import fields, fit, render
from tests.unit.test_feedback_form_print import NOW, PEOPLE, hotel, page_of


def printed(browser, html: str) -> tuple[bytes, dict]:
    """Chromium's PDF of the page on A4, and where the sign-off table and the boxes are when printed."""
    page = browser.new_page()
    try:
        page.set_content(html)
        page.emulate_media(media="print")
        layout = page.evaluate("""() => {
            const box = e => e.getBoundingClientRect();
            return {signoff_bottom: box(document.querySelector('.signoff')).bottom,
                    clipped: Array.from(document.querySelectorAll('.box'))
                                  .filter(b => b.scrollHeight > b.clientHeight + 1).map(b => b.dataset.field)};
        }""")
        return page.pdf(format="A4"), layout
    finally:
        page.close()


def pages(pdf: bytes) -> int:
    """The pages of a PDF: its /Type /Page objects (not /Pages)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_the_long_hotel_case_prints_on_one_a4_page_with_its_sign_off_rows(browser):
    pdf, layout = printed(browser, page_of(hotel()))
    assert pdf.startswith(b"%PDF") and pages(pdf) == 1
    assert layout["signoff_bottom"] <= (297 - 2 * 10) / 25.4 * 96  # within the sheet's printable height (px)


def test_a_short_case_and_an_empty_form_print_on_one_page_unshortened(browser):
    pdf, layout = printed(browser, page_of(hotel(size=60, line=20)))
    assert pages(pdf) == 1 and layout["clipped"] == []
    empty = fields(hotel(size=60, line=20))
    empty.update({name: "" for name in ("investigation", "investigation_result", "cause_analysis", "corrective_actions",
                                        "preventive_actions", "handling_opinion", "customer_feedback")})
    pdf, layout = printed(browser, render(empty, NOW))
    assert pages(pdf) == 1 and layout["clipped"] == []


def test_only_the_boxes_said_to_be_shortened_are_shortened_in_the_browser(browser):
    html = page_of(hotel(size=700, line=60))
    _, layout = printed(browser, html)
    marked = {name for name, f in fit(fields(hotel(size=700, line=60), PEOPLE)).items() if f.clipped}
    assert set(layout["clipped"]) <= marked
