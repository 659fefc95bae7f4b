"""The dates of a timetable course: its weeks placed on its day, less closures.

The bilan préliminaire counts these dates and the validation writes them as séances: both
take them from here, so the count shown before validating is the one validating writes.
"""

import datetime


def course_date(monday, day):
    """The date of a course's ``day`` (1 = Monday) in the week of ``monday``."""
    return monday + datetime.timedelta(days=day - 1)


def is_closed(date, closures):
    return any(c.start <= date <= c.end for c in closures)


def in_year(date, header):
    """Whether a date falls within the school year the file's header names."""
    return not ((header.year_start and date < header.year_start)
                or (header.year_end and date > header.year_end))


def seance_dates(course, *, header, closures, within_year=True):
    """The dates a course takes place: its weeks, less cancelled weeks and closures; only
    those of the file's school year unless ``within_year`` is False (the bilan counts the
    others, which are never written)."""
    dates = []
    for monday in sorted(course.weeks - course.cancelled):
        date = course_date(monday, course.day)
        if within_year and not in_year(date, header):
            continue
        if not is_closed(date, closures):
            dates.append(date)
    return dates


def cancelled_dates(course, *, header, closures):
    """The dates of the weeks the source cancels in the school year, but for those a closure
    empties anyway."""
    return {date for date in (course_date(monday, course.day) for monday in course.cancelled)
            if in_year(date, header) and not is_closed(date, closures)}
