"""The portal's PostgreSQL connections as production runs them (ent/settings.py)."""

import pytest
from django.conf import settings
from django.db import connection

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


@postgres_only
@pytest.mark.django_db
def test_jit_is_off_on_the_portals_connections():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@postgres_only
def test_connections_are_kept_and_checked():
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] >= 60 or database["OPTIONS"].get("pool")
    assert database["CONN_HEALTH_CHECKS"]
