"""When an e-mail may leave: the « pause numérique » (19 h → 7 h and weekends by default)."""

import datetime as dt

import pytest

from ent.notifications.quiet import DEFAULT, QuietHours, digest_at, release_at

from .conftest import paris


@pytest.mark.parametrize("at, expected", [
    (paris(2027, 1, 13, 10, 0), paris(2027, 1, 13, 10, 0)),    # Wednesday morning: at once
    (paris(2027, 1, 13, 18, 59), paris(2027, 1, 13, 18, 59)),  # just before the pause
    (paris(2027, 1, 13, 19, 0), paris(2027, 1, 14, 7, 0)),     # evening: next morning
    (paris(2027, 1, 14, 3, 0), paris(2027, 1, 14, 7, 0)),      # night: this morning
    (paris(2027, 1, 15, 20, 0), paris(2027, 1, 18, 7, 0)),     # Friday evening: Monday
    (paris(2027, 1, 16, 12, 0), paris(2027, 1, 18, 7, 0)),     # Saturday: Monday
    (paris(2027, 1, 17, 23, 0), paris(2027, 1, 18, 7, 0)),     # Sunday night: Monday
])
def test_default_quiet_hours(at, expected):
    assert release_at(quiet=DEFAULT, at=at) == expected


def test_a_person_s_own_hours_and_weekends():
    lunch = QuietHours(start=dt.time(12), end=dt.time(14), weekends=False)
    assert release_at(quiet=lunch, at=paris(2027, 1, 13, 12, 30)) == paris(2027, 1, 13, 14)
    assert release_at(quiet=lunch, at=paris(2027, 1, 13, 20)) == paris(2027, 1, 13, 20)
    assert release_at(quiet=lunch, at=paris(2027, 1, 16, 10)) == paris(2027, 1, 16, 10)
    off = QuietHours(enabled=False, weekends=False)
    assert release_at(quiet=off, at=paris(2027, 1, 16, 23)) == paris(2027, 1, 16, 23)


def test_summer_time_change_keeps_local_morning():
    # Night of 27 to 28 March 2027: clocks go forward; the e-mail still leaves at 7 h local.
    assert release_at(quiet=DEFAULT, at=paris(2027, 3, 26, 21)) == paris(2027, 3, 29, 7)


def test_daily_digest_leaves_at_its_time_after_quiet_hours(settings):
    settings.ENT_NOTIFICATIONS_DIGEST_TIME = dt.time(7, 30)
    assert digest_at(quiet=DEFAULT, at=paris(2027, 1, 13, 6)) == paris(2027, 1, 13, 7, 30)
    assert digest_at(quiet=DEFAULT, at=paris(2027, 1, 13, 10)) == paris(2027, 1, 14, 7, 30)
    # Friday's digest time is past: not the weekend, Monday.
    assert digest_at(quiet=DEFAULT, at=paris(2027, 1, 15, 10)) == paris(2027, 1, 18, 7)
    settings.ENT_NOTIFICATIONS_DIGEST_TIME = dt.time(20, 0)
    assert digest_at(quiet=DEFAULT, at=paris(2027, 1, 13, 10)) == paris(2027, 1, 14, 7)
