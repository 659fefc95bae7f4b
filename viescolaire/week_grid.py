"""The desktop week as an hour grid: where each séance sits, where the day has no course.

The page may carry no inline style (the Content-Security-Policy refuses them), so a séance's
place is a set of classes whose rules ``static/css/edt-grid.css`` holds, written by
``grid_stylesheet`` below: rows of five minutes from the week's first hour, a start row and a
span; overlapping séances (groups of a division at the same hour) side by side in lanes.
"""

import datetime
from dataclasses import dataclass

SLOT_MINUTES = 5
# The longest day the grid draws: 7h to 23h and more fit; a séance past it is clipped.
MAX_ROWS = 18 * 60 // SLOT_MINUTES
MAX_LANES = 6
# Lunch is a gap of at least 45 minutes overlapping 11h30–14h.
LUNCH = (datetime.time(11, 30), datetime.time(14, 0))
LUNCH_MIN = 45
# A shorter gap between two courses is a change of room, not a free period.
FREE_MIN = 15


@dataclass
class FreeSlot:
    """A gap in a day: lunch, or a free period between two courses."""

    start: datetime.time
    end: datetime.time
    lunch: bool
    grid_class: str = ""
    free = True

    @property
    def label(self):
        return "Pause méridienne" if self.lunch else "Pas de cours"


def _minutes(t):
    return t.hour * 60 + t.minute


def _time(minutes):
    return datetime.time(minutes // 60, minutes % 60)


def _rows(first, start, end):
    """The start row (1-based) and span of an interval, in slots from ``first`` minutes."""
    top = max(0, round((_minutes(start) - first) / SLOT_MINUTES))
    bottom = max(top + 1, round((_minutes(end) - first) / SLOT_MINUTES))
    top, bottom = min(top, MAX_ROWS - 1), min(bottom, MAX_ROWS)
    return top + 1, bottom - top


def _lanes(seances):
    """Each séance's lane and the lane count of its cluster of overlapping séances."""
    placed, cluster, cluster_end, lanes_end = [], [], -1, []

    def close():
        count = len(lanes_end)
        placed.extend((s, lane, count) for s, lane in cluster)

    # The longest first at each hour: it takes the first lane, the shorter ones beside it.
    for seance in sorted(seances, key=lambda s: (s.start, -_minutes(s.end))):
        start, end = _minutes(seance.start), _minutes(seance.end)
        if cluster and start >= cluster_end:
            close()
            cluster, lanes_end = [], []
        free = [n for n, busy in enumerate(lanes_end) if busy <= start]
        if free:
            lane = free[0]
            lanes_end[lane] = end
        elif len(lanes_end) < MAX_LANES:
            lane = len(lanes_end)
            lanes_end.append(end)
        else:  # more at once than the grid draws: the last lane holds them over each other
            lane = MAX_LANES - 1
            lanes_end[lane] = max(lanes_end[lane], end)
        cluster.append((seance, lane))
        cluster_end = max(cluster_end, end)
    if cluster:
        close()
    return placed


def _gaps(seances):
    """The day's gaps between its first and last course (cancelled ones still hold it)."""
    gaps, busy_until = [], None
    for seance in sorted(seances, key=lambda s: s.start):
        start, end = _minutes(seance.start), _minutes(seance.end)
        if busy_until is not None and start - busy_until >= FREE_MIN:
            lunch = (start - busy_until >= LUNCH_MIN and busy_until < _minutes(LUNCH[1])
                     and start > _minutes(LUNCH[0]))
            gaps.append(FreeSlot(_time(busy_until), _time(start), lunch))
        busy_until = end if busy_until is None else max(busy_until, end)
    return gaps


@dataclass
class WeekGrid:
    first_hour: int
    rows: int
    # The hours the axis names: (hour, its row).
    hours: list


def week_grid(days):
    """Place every séance of ``days`` on the hour grid, and add each day's gaps to it.

    Sets ``grid_class`` on each séance, ``items`` (séances and gaps, in time order) and
    ``lanes`` on each day; returns the grid's frame, or None for a week without séances.
    """
    seances = [s for day in days for s in day.seances]
    if not seances:
        for day in days:
            day.items, day.lanes = list(day.seances), 1
        return None
    first_hour = min(s.start.hour for s in seances)
    last = max(_minutes(s.end) for s in seances)
    last_hour = min(-(-last // 60), first_hour + MAX_ROWS * SLOT_MINUTES // 60)
    first = first_hour * 60
    rows = (last_hour - first_hour) * 60 // SLOT_MINUTES
    per_hour = 60 // SLOT_MINUTES
    for day in days:
        placed = _lanes(day.seances)
        lanes = max((count for _, _, count in placed), default=1)
        for seance, lane, count in placed:
            row, span = _rows(first, seance.start, seance.end)
            # A cluster of ``count`` lanes shares the day's ``lanes`` columns evenly.
            col = lane * lanes // count + 1
            col_end = (lane + 1) * lanes // count + 1
            seance.grid_class = f"edt-r{row} edt-s{span} edt-c{col} edt-ce{col_end}"
        gaps = _gaps(day.seances)
        for gap in gaps:
            row, span = _rows(first, gap.start, gap.end)
            gap.grid_class = f"edt-r{row} edt-s{span} edt-c1 edt-ce{lanes + 1}"
        day.items = sorted([*day.seances, *gaps], key=lambda item: (item.start, item.end))
        day.lanes = lanes
    hours = [(hour, (hour - first_hour) * per_hour + 1) for hour in range(first_hour, last_hour)]
    return WeekGrid(first_hour, rows, hours)


def grid_stylesheet():
    """The rules of every class ``week_grid`` may give: ``static/css/edt-grid.css``."""
    lines = [
        "/* Written by viescolaire.week_grid.grid_stylesheet(): do not edit by hand. */",
        "@media (min-width: 60rem) {",
    ]
    lines += [f".edt-n{n} {{ grid-template-rows: repeat({n}, var(--edt-slot)); }}"
              for n in range(1, MAX_ROWS + 1)]
    lines += [f".edt-r{n} {{ grid-row-start: {n}; }}" for n in range(1, MAX_ROWS + 1)]
    lines += [f".edt-s{n} {{ grid-row-end: span {n}; }}" for n in range(1, MAX_ROWS + 1)]
    lines += [f".edt-cols-{n} {{ grid-template-columns: repeat({n}, minmax(0, 1fr)); }}"
              for n in range(1, MAX_LANES + 1)]
    lines += [f".edt-c{n} {{ grid-column-start: {n}; }}" for n in range(1, MAX_LANES + 1)]
    lines += [f".edt-ce{n} {{ grid-column-end: {n}; }}" for n in range(2, MAX_LANES + 2)]
    lines.append("}")
    return "\n".join(lines) + "\n"
