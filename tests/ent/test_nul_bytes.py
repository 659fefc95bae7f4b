"""A NUL character in the address or a query parameter: a French 400, never a 500."""

import pytest
from django.urls import reverse

from annuaire.models import AafImport


@pytest.mark.parametrize("address", [
    "/annuaire/?q=dup%00ont",
    "/annuaire/?profile=%00",
    "/annuaire/%00/",
    "/imports/?q=%00",
])
def test_a_nul_character_is_refused_with_a_french_400(world, login, address):
    response = login(world.academy_admin).get(address)
    assert response.status_code == 400
    html = response.content.decode()
    assert "caractère nul (%00)" in html and '<html lang="fr">' in html


def test_a_nul_character_in_the_issue_code_filter(world, login):
    imp = AafImport.objects.create(status=AafImport.Status.APPLIED)
    url = reverse("annuaire:import_issues", args=[imp.pk, "rejet"])
    client = login(world.academy_admin)
    assert client.get(url, {"code": "x"}).status_code == 200
    response = client.get(url, {"code": "abc\x00"})
    assert response.status_code == 400
    assert "caractère nul" in response.content.decode()


def test_anonymous_visitors_get_the_same_answer(client, db):
    response = client.get("/accounts/login/?next=/%00")
    assert response.status_code == 400
    assert "caractère nul" in response.content.decode()
