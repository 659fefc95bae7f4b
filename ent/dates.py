"""Calendar arithmetic shared by the timetable's reads, its importers and its generators."""

import datetime


def monday_of(day):
    """The Monday of the week holding ``day``: timetables and their files count in weeks."""
    return day - datetime.timedelta(days=day.weekday())
