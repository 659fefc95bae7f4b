"""Imports numbered within their establishment (« Import n° 3 »), as its staff count them,
instead of by the académie-wide id: the SIECLE completions and the timetable imports."""

from django.db.models import Count, OuterRef, Subquery


def imports_numbered(imports):
    """``imports`` annotated with ``number``: 1 for the establishment's first, then on.

    A correlated count rather than a window: the number stays right whatever else filters
    the queryset (one import alone, all but one); an index on the establishment serves it.
    """
    earlier = imports.model.objects.filter(
        etablissement=OuterRef("etablissement"), pk__lte=OuterRef("pk"),
    ).order_by().values("etablissement").annotate(n=Count("pk")).values("n")
    return imports.annotate(number=Subquery(earlier))
