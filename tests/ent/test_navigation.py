"""The header's menu: the services each person has, the current section marked."""

import re

import pytest
from django.urls import reverse


def _menu(html):
    """The links of the wide menu (the phone's holds the same), as (label, href, current)."""
    wide = html.split('<div class="site-nav-wide">', 1)[1].split("</nav>", 1)[0]
    return [(label, href, current or "") for href, current, label in re.findall(
        r'<a href="([^"]+)"(?: aria-current="(\w+)")?>([^<]+)</a>', wide)]


@pytest.mark.parametrize("who, labels", [
    ("academy_admin", ["Accueil", "Annuaire", "Emploi du temps", "Appel", "Comptes", "Suspendus",
                       "Désactivés", "Blocages", "SIECLE et STS-web", "Imports EDT",
                       "Imports AAF", "Administration", "Journal"]),
    ("principal_a", ["Accueil", "Annuaire", "Emploi du temps", "Cahier de textes", "Appel",
                     "Comptes", "Suspendus", "Désactivés", "Blocages", "SIECLE et STS-web",
                     "Imports EDT", "Administration", "Journal"]),
    ("teacher_a", ["Accueil", "Annuaire", "Emploi du temps", "Cahier de textes", "Appel"]),
    ("agent_a", ["Accueil", "Annuaire"]),
    ("pupil_a", ["Accueil", "Annuaire", "Emploi du temps", "Cahier de textes", "Appel"]),
    ("contact_a", ["Accueil"]),
])
def test_the_menu_lists_the_services_of_each_role(world, login, who, labels):
    html = login(getattr(world, who)).get(reverse("home")).content.decode()
    menu = _menu(html)
    assert [label for label, _, _ in menu] == labels
    # Home is the current page; the phone's folded menu holds the same links.
    assert menu[0] == ("Accueil", reverse("home"), "page")
    assert html.count('<nav class="site-nav" aria-label="Services">') == 2
    assert "<summary>Menu</summary>" in html


@pytest.mark.parametrize("url, section, current", [
    (reverse("annuaire:directory"), "Annuaire", "page"),
    (reverse("viescolaire:timetable"), "Emploi du temps", "page"),
    (reverse("annuaire:suspended_accounts"), "Suspendus", "page"),
    (reverse("annuaire:accounts"), "Comptes", "page"),
    # A page under a section marks it, the longest address winning (« Comptes » is shorter).
    (reverse("annuaire:deactivated_accounts") + "?page=1", "Désactivés", "page"),
    (reverse("annuaire:purges"), "Désactivés", "true"),
])
def test_the_menu_marks_the_current_section(world, login, url, section, current):
    html = login(world.academy_admin).get(url).content.decode()
    marked = [(label, mark) for label, _, mark in _menu(html) if mark]
    assert marked == [(section, current)]


def test_a_person_page_marks_the_directory(world, login):
    html = login(world.principal_a).get(
        reverse("annuaire:person", args=[world.pupil_a.pk])).content.decode()
    assert [(label, mark) for label, _, mark in _menu(html) if mark] == [("Annuaire", "true")]


def test_no_menu_when_signed_out(client, db):
    html = client.get(reverse("account_login")).content.decode()
    assert "site-nav" not in html
