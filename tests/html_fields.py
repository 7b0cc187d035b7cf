"""Reading a generated page back: the text of every element marked with `data-field`."""
from __future__ import annotations

from html.parser import HTMLParser


class FormReader(HTMLParser):
    """The text of every data-field element of the page."""

    VOID = {"meta", "br", "col", "img", "input", "link", "hr"}

    def __init__(self):
        super().__init__()
        self.values, self._open = {}, []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self._open.append(dict(attrs).get("data-field"))

    def handle_endtag(self, tag):
        if tag not in self.VOID:
            self._open.pop()

    def handle_data(self, data):
        if self._open and self._open[-1]:
            self.values[self._open[-1]] = self.values.get(self._open[-1], "") + data


def read_form(page):
    reader = FormReader()
    reader.feed(page)
    return reader.values
