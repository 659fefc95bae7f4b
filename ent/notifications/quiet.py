"""When an e-mail may leave: after the person's quiet hours (« pause numérique »)."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from .models import DEFAULT_QUIET_END, DEFAULT_QUIET_START


@dataclass(frozen=True)
class QuietHours:
    enabled: bool = True
    start: dt.time = DEFAULT_QUIET_START
    end: dt.time = DEFAULT_QUIET_END
    weekends: bool = True

    @classmethod
    def of(cls, row) -> "QuietHours":
        if row is None:
            return DEFAULT
        return cls(enabled=row.quiet_hours, start=row.quiet_start, end=row.quiet_end,
                   weekends=row.quiet_weekends)


DEFAULT = QuietHours()


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def release_at(*, quiet: QuietHours, at: dt.datetime) -> dt.datetime:
    """``at`` itself outside quiet hours, else the first moment they end (Friday 20 h with the
    defaults: Monday 7 h)."""
    local = timezone.localtime(at)
    for _ in range(10):  # a week of quiet days at most, each ending in a night's end
        if quiet.weekends and local.weekday() >= 5:
            local = timezone.localtime(_at(local.date() + dt.timedelta(days=1), dt.time(0)))
            continue
        time = local.time()
        if quiet.enabled and quiet.start != quiet.end:
            if quiet.start > quiet.end:  # over midnight: 19 h → 7 h
                if time >= quiet.start:
                    local = timezone.localtime(
                        _at(local.date() + dt.timedelta(days=1), quiet.end))
                    continue
                if time < quiet.end:
                    local = timezone.localtime(_at(local.date(), quiet.end))
                    continue
            elif quiet.start <= time < quiet.end:  # within a day: 12 h → 14 h
                local = timezone.localtime(_at(local.date(), quiet.end))
                continue
        return local
    return local


def digest_at(*, quiet: QuietHours, at: dt.datetime) -> dt.datetime:
    """The next daily digest after ``at`` (ENT_NOTIFICATIONS_DIGEST_TIME), after quiet hours."""
    local = timezone.localtime(at)
    hour = settings.ENT_NOTIFICATIONS_DIGEST_TIME
    due = _at(local.date(), hour)
    if due <= at:
        due = _at(local.date() + dt.timedelta(days=1), hour)
    return release_at(quiet=quiet, at=due)
