"""The import histories say who ran each import, the command line included, and number the
imports within their establishment; the bilan folds its lines at zero away."""

import html
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from annuaire.models import SiecleImport
from imports.models import TimetableImport

from .conftest import EDT

pytestmark = pytest.mark.django_db


def _text(response):
    return html.unescape(response.content.decode())


def test_the_command_line_is_named_where_nobody_is(college, login):
    call_command("import_timetable", str(EDT), "--validate", "--json")
    cli = TimetableImport.objects.get()
    assert cli.origin == TimetableImport.Origin.CLI and cli.uploaded_by is None
    # A browser upload whose uploader's account was purged since is not the command line.
    TimetableImport.objects.create(etablissement=college.etab_a, origin="web",
                                   status="annule", decided_at=timezone.now())
    client = login(college.principal_a)
    page = _text(client.get(reverse("imports:etab", args=[college.etab_a.pk])))
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)[1:]
    assert "N°\xa02" in rows[0] and '<td data-label="Par">Compte supprimé</td>' in rows[0]
    assert "Annulé par Compte supprimé" in rows[0]
    assert "N°\xa01" in rows[1] and '<td data-label="Par">Ligne de commande</td>' in rows[1]
    assert "Validé par Ligne de commande" in rows[1]
    assert "—</td>" not in rows[1]
    detail = _text(client.get(reverse("imports:detail", args=[college.etab_a.pk, cli.pk])))
    assert "Import d'emploi du temps n°\xa01" in detail
    assert "par Ligne de commande · validé le" in detail
    assert "validé le" in detail and detail.count("par Ligne de commande") == 2


def test_imports_are_numbered_within_their_establishment(world, login,
                                                         django_assert_max_num_queries):
    for etab in (world.etab_b, world.etab_a, world.etab_b, world.etab_a, world.etab_a):
        TimetableImport.objects.create(etablissement=etab, uploaded_by=world.principal_a,
                                       status="annule")
    client = login(world.principal_a)
    with django_assert_max_num_queries(12):
        page = _text(client.get(reverse("imports:etab", args=[world.etab_a.pk])))
    assert re.findall(r">N°\xa0(\d+)</a>", page) == ["3", "2", "1"]
    last = TimetableImport.objects.filter(etablissement=world.etab_a).latest("pk")
    detail = _text(client.get(reverse("imports:detail", args=[world.etab_a.pk, last.pk])))
    assert "<h1>Import d'emploi du temps n°\xa03</h1>" in detail
    assert "Import d'emploi du temps n° 3</span>" in detail  # the breadcrumb too
    page_b = _text(login(world.principal_b).get(reverse("imports:etab",
                                                        args=[world.etab_b.pk])))
    assert re.findall(r">N°\xa0(\d+)</a>", page_b) == ["2", "1"]


def test_siecle_imports_are_numbered_within_their_establishment_and_name_the_cli(
        world, login):
    for etab, origin in ((world.etab_a, "cli"), (world.etab_b, "web"), (world.etab_a, "web")):
        SiecleImport.objects.create(etablissement=etab, origin=origin, status="applique",
                                    created_by=world.principal_a if origin == "web" else None)
    client = login(world.academy_admin)
    page = _text(client.get(reverse("annuaire:siecle_imports")))
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)[1:]
    assert [re.search(r"N°\xa0(\d+)", r).group(1) for r in rows] == ["2", "1", "1"]
    assert '<td data-label="Lancé par">Ligne de commande</td>' in rows[2]
    first = SiecleImport.objects.order_by("pk").first()
    detail = _text(client.get(reverse("annuaire:siecle_import", args=[first.pk])))
    assert "Compléments SIECLE et STS-web n°\xa01" in detail and "par Ligne de commande" in detail


def test_the_bilan_folds_its_zero_lines_and_explains_its_seances(college, login, upload):
    client = login(college.principal_a)
    upload(client, college.etab_a)
    imp = TimetableImport.objects.get()
    page = _text(client.get(reverse("imports:detail", args=[college.etab_a.pk, imp.pk])))
    folded = page[page.index('<details class="bilan-zeros">'):]
    folded = folded[:folded.index("</details>")]
    zeros = [k for k, v in imp.bilan["counts"].items() if v == 0]
    assert zeros and re.search(r"Afficher les lignes à zéro \(\d+\)", folded)
    for key in zeros:
        assert f'data-count="{key}">0</strong>' in folded, key
    shown = page[:page.index('<details class="bilan-zeros">')]
    assert '>0</strong>' not in shown
    assert "Séances dans le fichier</span>" in shown
    assert "La validation n'ajoute que celles qui manquent" in shown
