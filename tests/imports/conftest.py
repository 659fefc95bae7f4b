"""Fixtures of the timetable import tests."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

# A day of the real EDT sample's school year (2013-09-03 to 2014-08-31), before its first
# course: validating it then writes every séance of the file.
SAMPLE_TODAY = datetime.date(2013, 9, 1)


@pytest.fixture
def in_sample_year(monkeypatch):
    """Analyses and validations that do not name their day run on ``SAMPLE_TODAY``, within
    the real EDT sample's school year: run on the real date, long after that year ended, they
    would rightly write no séance and leave the timetable in force as it is. Only the imports'
    services see that day; the rest of the portal keeps the real one."""
    from imports import services

    monkeypatch.setattr(services, "timezone", SimpleNamespace(
        now=timezone.now, localdate=lambda *args, **kwargs: SAMPLE_TODAY))
    return SAMPLE_TODAY
