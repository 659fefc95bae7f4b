"""Reads of the SIECLE / STS-web completion; each takes the viewer and answers 404 outside
their reach."""

from django.db.models import Count

from ent import rights
from ent.errors import NotFound

from ..import_numbers import imports_numbered
from ..models import SiecleImport, SiecleIssue


def siecle_imports_list(*, viewer):
    return imports_numbered(SiecleImport.objects.filter(
        etablissement__in=rights.siecle_etabs(viewer)).select_related("etablissement",
                                                                      "created_by"))


def siecle_import_get(*, viewer, pk):
    try:
        imp = imports_numbered(SiecleImport.objects.select_related(
            "etablissement", "created_by")).get(pk=pk)
    except SiecleImport.DoesNotExist as exc:
        raise NotFound from exc
    if not rights.can_import_siecle(viewer, imp.etablissement):
        raise NotFound
    return imp


def siecle_etab_get(*, viewer, etab_id):
    etab = rights.siecle_etabs(viewer).filter(pk=etab_id).first() if str(etab_id).isdigit() \
        else None
    if etab is None:
        raise NotFound
    return etab


def siecle_import_issue_counts(*, siecle_import):
    return dict(SiecleIssue.objects.filter(siecle_import=siecle_import)
                .values_list("level").annotate(n=Count("id")).order_by())


def siecle_import_issues(*, siecle_import, level=""):
    issues = SiecleIssue.objects.filter(siecle_import=siecle_import)
    if level:
        issues = issues.filter(level=level)
    return issues.order_by("id")
