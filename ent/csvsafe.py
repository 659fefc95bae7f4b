"""CSV files the portal writes, safe to open in a spreadsheet.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some spreadsheets skip before reading one of those) is read as a formula by Excel and
LibreOffice: a pupil named ``=HYPERLINK("https://…";"Cliquez")`` in a timetable or an import
report would reach whoever opens the file. Every CSV the portal writes goes through
``writer()``, which prefixes such a cell with an apostrophe (OWASP's « CSV injection »
advice): the spreadsheet shows the text as typed and evaluates nothing. Numbers the portal
writes itself (counts, line numbers, negative differences) stay numbers.
"""

import csv
import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def cell_safe(value):
    """The value as a spreadsheet should show it: text starting like a formula is quoted."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeWriter:
    """``csv.writer`` whose rows pass through ``cell_safe``."""

    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row):
        return self._writer.writerow([cell_safe(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(out, *, delimiter=";", **options):
    """A CSV writer for the portal's exports (semicolons: opens as is in a French tableur)."""
    return SafeWriter(out, delimiter=delimiter, **options)


class Echo:
    """A file-like object returning what is written, for streamed responses."""

    def write(self, value):
        return value
