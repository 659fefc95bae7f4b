
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ent import csvsafe, rights, uploads
from ent.errors import NotFound

from .. import selectors, services
from ..aaf.errors import AafImportError
from ..forms import AafUploadForm
from ..models import ImportIssue
from ..presenters import import_report_context
from ..progress import progress_get

ISSUES_PAGE_SIZE = 50


def _require_importer(viewer):
    if not rights.can_import_aaf(viewer):
        raise NotFound


@uploads.upload_capped("aaf")
@login_required
def imports(request):
    _require_importer(request.user)
    refusal = uploads.upload_refusal(request)
    form = AafUploadForm(None if refusal else request.POST or None,
                         None if refusal else request.FILES or None)
    if refusal:
        uploads.form_refuse(form, None, refusal)
    elif request.method == "POST" and form.is_valid():
        try:
            imp = services.aaf_import_start(
                uploaded_files=form.cleaned_data["files"], acting_user=request.user,
                simulate=form.cleaned_data["simulate"])
        except (services.ImportBusy, AafImportError) as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("annuaire:import", pk=imp.pk)
    page = Paginator(selectors.aaf_imports_list(viewer=request.user), 20).get_page(
        request.GET.get("page"))
    return render(request, "annuaire/imports/list.html", {
        "form": form, "page": page, "querystring_base": "",
        "crumbs": [("Imports de l'annuaire", None)],
    }, status=413 if refusal else 400 if form.errors else 200)


@login_required
def import_detail(request, pk):
    imp = selectors.aaf_import_get(viewer=request.user, pk=pk)
    return render(request, "annuaire/imports/detail.html", {
        "imp": imp, "progress": progress_get(kind="aaf", pk=imp.pk),
        **import_report_context(imp, selectors.aaf_import_issue_counts(aaf_import=imp)),
        "crumbs": [("Imports de l'annuaire", reverse("annuaire:imports")), (str(imp), None)],
    })


@login_required
def import_progress(request, pk):
    """The progress box alone, polled by htmx; asks for a full reload once the import ends."""
    imp = selectors.aaf_import_get(viewer=request.user, pk=pk)
    response = render(request, "annuaire/imports/_progress.html", {
        "imp": imp, "progress": progress_get(kind="aaf", pk=imp.pk)})
    if not imp.is_active:
        response["HX-Refresh"] = "true"
    return response


def _action(request, pk, service, done_message):
    imp = selectors.aaf_import_get(viewer=request.user, pk=pk)
    try:
        service(aaf_import=imp, acting_user=request.user)
    except (services.ImportBusy, services.ImportStateError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done_message)
    return redirect("annuaire:import", pk=imp.pk)


@require_POST
@login_required
def import_confirm(request, pk):
    return _action(request, pk, services.aaf_import_confirm, "Import lancé : il s'applique à l'annuaire.")


@require_POST
@login_required
def import_cancel(request, pk):
    return _action(request, pk, services.aaf_import_cancel, "Import annulé : rien n'a été écrit.")


@require_POST
@login_required
def import_retry(request, pk):
    return _action(request, pk, services.aaf_import_retry, "Import relancé.")


@login_required
def import_issues(request, pk, level):
    imp = selectors.aaf_import_get(viewer=request.user, pk=pk)
    if level not in ImportIssue.Level.values:
        raise NotFound
    code = request.GET.get("code", "")
    issues = selectors.aaf_import_issues(aaf_import=imp, level=level, code=code)
    if request.GET.get("format") == "csv":
        return _issues_csv(imp, level, issues)
    page = Paginator(issues, ISSUES_PAGE_SIZE).get_page(request.GET.get("page"))
    label = ImportIssue.Level(level).label
    return render(request, "annuaire/imports/issues.html", {
        "imp": imp, "level": level, "level_label": label, "code": code, "page": page,
        "querystring_base": f"code={code}&" if code else "",
        "crumbs": [("Imports de l'annuaire", reverse("annuaire:imports")),
                   (str(imp), reverse("annuaire:import", args=[imp.pk])), (label, None)],
    })


def _issues_csv(imp, level, issues):
    writer = csvsafe.writer(csvsafe.Echo())
    header = ["population", "fichier", "ligne", "identifiant", "structure", "message", "correction"]

    def rows():
        yield "\ufeff" + writer.writerow(header)
        for issue in issues.iterator(chunk_size=2000):
            yield writer.writerow([issue.population, issue.file, issue.line or "",
                                   issue.identifier, issue.etab, issue.message, issue.fix])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-aaf-{imp.pk}-{level}.csv"'
    return response


