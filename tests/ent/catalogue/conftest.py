import pytest
from django.urls import reverse

from annuaire.models import Role


@pytest.fixture
def save_services():
    """Post the Services page of ``etab`` (None: the académie's) as ``client``, with the cells
    (service, profile) in ``off`` unchecked and the toggles in ``toggles`` checked."""
    from ent.catalogue.selectors import services_table

    def _save(client, etab=None, off=(), toggles=()):
        rows, toggle_rows = services_table(etab=etab)
        data = {cell.name: "on" for row in rows for cell in row.cells
                if cell.kind == "choice" and (row.spec.key, cell.profile) not in set(off)}
        data.update({t.name: "on" for t in toggle_rows if t.toggle.key in set(toggles)})
        url = (reverse("catalogue:etab_services", args=[etab.pk]) if etab
               else reverse("catalogue:academie_services"))
        response = client.post(url, data)
        assert response.status_code == 302, response.status_code
        return response

    return _save


PARENT, ELEVE, ENSEIGNANT = Role.Kind.PARENT, Role.Kind.ELEVE, Role.Kind.ENSEIGNANT
