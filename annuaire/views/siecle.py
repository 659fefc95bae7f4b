"""Upload of an establishment's SIECLE and STS-web exports, progress, report."""


from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from ent import csvsafe, rights, uploads
from ent.errors import NotFound

from ..models import SiecleIssue
from ..progress import progress_get
from ..siecle import selectors, services
from ..siecle.forms import SiecleUploadForm
from ..siecle.pipeline import SiecleImportError
from ..siecle.report_text import NATURES, count_rows, write_rows

ISSUES_PAGE_SIZE = 50
CRUMB = "Compléments SIECLE et STS-web"


@uploads.upload_capped("siecle")
@login_required
def siecle_imports(request):
    viewer = request.user
    if not rights.can_import_siecle(viewer):
        raise NotFound
    etabs = rights.siecle_etabs(viewer).only("id", "name", "uai")
    refusal = uploads.upload_refusal(request)
    if request.method == "POST" and not refusal and request.POST.get("etablissement"):
        # An establishment outside the viewer's reach is not a form error: it does not exist.
        selectors.siecle_etab_get(viewer=viewer, etab_id=request.POST["etablissement"])
    form = SiecleUploadForm(None if refusal else request.POST or None,
                            None if refusal else request.FILES or None, etabs=etabs,
                            initial={"etablissement": request.GET.get("etab")})
    if refusal:
        uploads.form_refuse(form, None, refusal)
    elif request.method == "POST" and form.is_valid():
        try:
            imp = services.siecle_import_start(
                etab=form.cleaned_data["etablissement"],
                uploaded_files=form.cleaned_data["files"], acting_user=viewer)
        except (services.SiecleImportBusy, SiecleImportError) as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("annuaire:siecle_import", pk=imp.pk)
    page = Paginator(selectors.siecle_imports_list(viewer=viewer), 20).get_page(
        request.GET.get("page"))
    return render(request, "annuaire/siecle/list.html", {
        "form": form, "page": page, "querystring_base": "", "crumbs": [(CRUMB, None)],
    }, status=413 if refusal else 400 if form.errors else 200)


@login_required
def siecle_import_detail(request, pk):
    imp = selectors.siecle_import_get(viewer=request.user, pk=pk)
    level = request.GET.get("niveau", "")
    if level and level not in SiecleIssue.Level.values:
        level = ""
    issues = selectors.siecle_import_issues(siecle_import=imp, level=level)
    if request.GET.get("format") == "csv":
        return _issues_csv(imp, issues)
    page = Paginator(issues, ISSUES_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.siecle_import_issue_counts(siecle_import=imp)
    report = imp.report or {}
    return render(request, "annuaire/siecle/detail.html", {
        "imp": imp, "report": report, "progress": progress_get(kind="siecle", pk=imp.pk),
        "count_rows": count_rows(report), "write_rows": write_rows(report),
        "unknown_structures": [
            {**s, "nature_label": NATURES.get(s["nature"], s["nature"])}
            for s in report.get("unknown_structures", [])],
        "levels": [(value, label, counts.get(value, 0))
                   for value, label in SiecleIssue.Level.choices],
        "level": level, "page": page,
        "querystring_base": f"niveau={level}&" if level else "",
        "crumbs": [(CRUMB, reverse("annuaire:siecle_imports")), (str(imp), None)],
    })


@login_required
def siecle_import_progress(request, pk):
    """The progress box alone, polled by htmx; asks for a full reload once the run ends."""
    imp = selectors.siecle_import_get(viewer=request.user, pk=pk)
    response = render(request, "annuaire/siecle/_progress.html", {
        "imp": imp, "progress": progress_get(kind="siecle", pk=imp.pk)})
    if not imp.is_active:
        response["HX-Refresh"] = "true"
    return response


def _issues_csv(imp, issues):
    """The records to examine as a spreadsheet (semicolons, BOM: opens as is in a tableur)."""
    writer = csvsafe.writer(csvsafe.Echo())

    def rows():
        yield "\ufeff" + writer.writerow(
            ["type", "population", "fichier", "ligne", "identifiant", "nom", "motif"])
        for issue in issues.iterator(chunk_size=2000):
            yield writer.writerow([issue.get_level_display(), issue.population, issue.file,
                                   issue.line or "", issue.identifier, issue.name,
                                   issue.message])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="siecle-{imp.pk}-fiches.csv"'
    return response
