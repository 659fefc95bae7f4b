"""The timetable import in the browser: upload, progress, bilan préliminaire, validate or
cancel, history, rapprochements of the files' names to the directory."""

import io
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_POST

from annuaire.progress import progress_get
from ent import csvsafe, rights, uploads
from ent.errors import NotFound

from . import presenters, selectors, services
from .forms import TimetableUploadForm, rapprochement_choices
from .models import TimetableImport, TimetableSettings
from .parsers.records import TimetableFileError

CRUMB = "Imports d'emploi du temps"


def _crumbs(etab, *more):
    return [(CRUMB, reverse("imports:home")),
            (etab.name, reverse("imports:etab", args=[etab.pk])), *more]


@login_required
def home(request):
    if not rights.can_import_timetable(request.user):
        raise NotFound
    query = request.GET.get("q", "").strip()
    etabs = selectors.timetable_etabs_list(viewer=request.user, query=query)
    page = Paginator(etabs, 50).get_page(request.GET.get("page"))
    if not query and page.paginator.count == 1:
        return redirect("imports:etab", etab_id=page.object_list[0].pk)
    return render(request, "imports/home.html", {
        "page": page, "query": query, "querystring_base": f"{urlencode({'q': query})}&" if query else "",
        "crumbs": [(CRUMB, None)]})


@uploads.upload_capped("timetable")
@login_required
def etab_imports(request, etab_id):
    """Upload form and the history « Bilans d'import »."""
    etab = selectors.timetable_etab_get(viewer=request.user, etab_id=etab_id)
    refusal = uploads.upload_refusal(request)
    form = TimetableUploadForm(None if refusal else request.POST or None,
                               None if refusal else request.FILES or None)
    if refusal:
        uploads.form_refuse(form, "files", refusal)
    elif request.method == "POST" and form.is_valid():
        try:
            imp = services.timetable_import_start(etab=etab, files=form.cleaned_data["files"],
                                                  acting_user=request.user)
        except TimetableFileError as exc:
            form.add_error("files", str(exc))
        else:
            return redirect("imports:detail", etab_id=etab.pk, pk=imp.pk)
    page = Paginator(selectors.timetable_imports_list(etab=etab), 20).get_page(
        request.GET.get("page"))
    return render(request, "imports/etab.html", {
        "etab": etab, "form": form, "page": page, "querystring_base": "",
        "crumbs": [(CRUMB, reverse("imports:home")), (etab.name, None)],
    }, status=413 if refusal else 400 if form.errors else 200)


@login_required
def import_detail(request, etab_id, pk):
    imp = selectors.timetable_import_get(viewer=request.user, etab_id=etab_id, pk=pk)
    latest = None
    if imp.status == TimetableImport.Status.PERIME:
        latest = selectors.timetable_import_newer_get(imp=imp)
    bilan = imp.bilan or {}
    return render(request, "imports/detail.html", {
        "imp": imp, "etab": imp.etablissement, "latest": latest,
        "progress": progress_get(kind=services.PROGRESS_KIND, pk=imp.pk),
        # While the same upload is analysed again, its previous bilan is no longer the one.
        "rows": presenters.bilan_rows(bilan) if "counts" in bilan and (
            imp.status not in TimetableImport.RUNNING) else [],
        "applied": presenters.applied_rows(bilan),
        "status_class": presenters.status_class(imp),
        "crumbs": _crumbs(imp.etablissement, (str(imp), None)),
    })


@login_required
def import_progress(request, etab_id, pk):
    """The progress box alone, polled by htmx; asks for a full reload once the analysis or the
    validation ends, or the validation was found interrupted."""
    imp = selectors.timetable_import_get(viewer=request.user, etab_id=etab_id, pk=pk,
                                         state_only=True)
    response = render(request, "imports/_progress.html", {
        "imp": imp, "etab": imp.etablissement,
        "progress": progress_get(kind=services.PROGRESS_KIND, pk=imp.pk)})
    if imp.status not in TimetableImport.RUNNING:
        response["HX-Refresh"] = "true"
    return response


def _decide(request, etab_id, pk, service, done):
    imp = selectors.timetable_import_get(viewer=request.user, etab_id=etab_id, pk=pk)
    # A page left open over an interrupted validation: its buttons work again at once.
    services.timetable_imports_expire_stale(etab=imp.etablissement, imports=[imp])
    try:
        service(imp=imp, acting_user=request.user)
    except services.ImportStateError as exc:
        messages.error(request, f"Impossible : {exc}.")
    except TimetableFileError as exc:
        messages.error(request, f"Import non appliqué, rien n'a changé : {exc}")
    else:
        messages.success(request, done)
    return redirect("imports:detail", etab_id=imp.etablissement_id, pk=imp.pk)


@require_POST
@login_required
def import_validate(request, etab_id, pk):
    return _decide(request, etab_id, pk, services.timetable_import_validate_start,
                   "Validation lancée : l'emploi du temps en vigueur sera remplacé d'un bloc.")


@require_POST
@login_required
def import_cancel(request, etab_id, pk):
    return _decide(request, etab_id, pk, services.timetable_import_cancel,
                   "Import annulé : l'emploi du temps en vigueur n'a pas changé.")


def _bilan_of(request, etab_id, pk):
    imp = selectors.timetable_import_get(viewer=request.user, etab_id=etab_id, pk=pk)
    if "counts" not in (imp.bilan or {}):
        raise NotFound
    return imp


@login_required
def import_csv(request, etab_id, pk):
    """The bilan as a spreadsheet: each count, then each name or line it holds."""
    imp = _bilan_of(request, etab_id, pk)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csvsafe.writer(out)
    writer.writerow(["rubrique", "nombre", "détail"])
    rows = presenters.bilan_rows(imp.bilan)
    for row in rows:
        writer.writerow([row["label"], row["value"], ""])
    for row in rows:
        for item in row["items"] or []:
            writer.writerow([row["label"], "", item])
    for label, value in presenters.applied_rows(imp.bilan):
        writer.writerow([f"Appliqué : {label}", value, ""])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bilan-edt-{imp.pk}.csv"'
    return response


@login_required
def import_pdf(request, etab_id, pk):
    from django.conf import settings
    from weasyprint import HTML

    imp = _bilan_of(request, etab_id, pk)
    html = render_to_string("imports/bilan_pdf.html", {
        "imp": imp, "etab": imp.etablissement, "rows": presenters.bilan_rows(imp.bilan),
        "applied": presenters.applied_rows(imp.bilan)})
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bilan-edt-{imp.pk}.pdf"'
    return response


@login_required
# Each row repeats its kind's choices (a select per row works without JavaScript): megabytes
# for a collège once the national subjects are loaded, a tenth of it compressed.
@gzip_page
def rapprochements(request, etab_id):
    """The latest bilan's names that match nothing, each with the directory entries it may be
    linked to; saving recomputes that bilan from the same upload."""
    etab = selectors.timetable_etab_get(viewer=request.user, etab_id=etab_id)
    if request.method == "POST":
        chosen = rapprochement_choices(request.POST)
        try:
            services.rapprochements_save(etab=etab, chosen=chosen, acting_user=request.user)
        except services.RapprochementError as exc:
            messages.error(request, f"Rapprochement refusé : {exc}.")
            return redirect("imports:rapprochements", etab_id=etab.pk)
        return _after_change(request, etab, len(chosen))
    latest = selectors.timetable_import_latest_bilan(etab=etab)
    targets = selectors.rapprochement_targets(etab=etab)
    groups = presenters.rapprochement_groups(latest.bilan if latest else {}, targets)
    existing = list(selectors.rapprochements_list(etab=etab))
    for link in existing:
        link.targets = targets[link.kind]
    return render(request, "imports/rapprochements.html", {
        "etab": etab, "latest": latest, "groups": groups, "existing": existing,
        "kind_labels": presenters.KIND_LABELS,
        "crumbs": _crumbs(etab, ("Rapprochements", None)),
    })


def _after_change(request, etab, changed):
    if not changed:
        messages.info(request, "Aucun rapprochement choisi.")
        return redirect("imports:rapprochements", etab_id=etab.pk)
    try:
        latest = services.timetable_import_latest_reanalyse(etab=etab)
    except services.ImportStateError as exc:
        messages.error(request, f"Rapprochements enregistrés, mais {exc}.")
        return redirect("imports:rapprochements", etab_id=etab.pk)
    if latest is None:
        messages.success(request, "Rapprochements enregistrés : ils serviront au prochain import.")
        return redirect("imports:rapprochements", etab_id=etab.pk)
    messages.success(request, "Rapprochements enregistrés : le bilan est recalculé à partir "
                              "des mêmes fichiers.")
    return redirect("imports:detail", etab_id=etab.pk, pk=latest.pk)


def _link_of(request, etab_id, pk):
    link = selectors.rapprochement_get(viewer=request.user, etab_id=etab_id, pk=pk)
    return link.etablissement, link


@require_POST
@login_required
def rapprochement_edit(request, etab_id, pk):
    etab, link = _link_of(request, etab_id, pk)
    target = request.POST.get("target", "")
    if target:
        try:
            services.rapprochement_set(etab=etab, kind=link.kind, source_key=link.source_key,
                                       source_label=link.source_label, target=target,
                                       acting_user=request.user)
        except services.RapprochementError as exc:
            messages.error(request, f"Rapprochement refusé : {exc}.")
            return redirect("imports:rapprochements", etab_id=etab.pk)
    return _after_change(request, etab, 1 if target else 0)


@require_POST
@login_required
def rapprochement_delete(request, etab_id, pk):
    etab, link = _link_of(request, etab_id, pk)
    services.rapprochement_delete(etab=etab, pk=link.pk, acting_user=request.user)
    return _after_change(request, etab, 1)


class _SettingsForm(forms.Form):
    group_source = forms.ChoiceField(
        label="Composition des groupes pour l'année", widget=forms.RadioSelect,
        choices=TimetableSettings.GroupSource.choices,
        help_text="« Depuis le fichier d'emploi du temps » : chaque import validé remplace les "
                  "élèves des groupes rapprochés par ceux que nomme le fichier.")


@login_required
def timetable_settings(request, etab_id):
    """The principal's choice of where group membership comes from this year."""
    etab = selectors.timetable_etab_get(viewer=request.user, etab_id=etab_id)
    current = selectors.timetable_settings_get(etab=etab)
    form = _SettingsForm(request.POST or None, initial={"group_source": current.group_source},
                         label_suffix="")
    if request.method == "POST" and form.is_valid():
        services.timetable_settings_update(etab=etab, acting_user=request.user,
                                           group_source=form.cleaned_data["group_source"])
        messages.success(request, "Choix enregistré.")
        return redirect("imports:etab", etab_id=etab.pk)
    return render(request, "imports/settings.html", {
        "etab": etab, "form": form,
        "crumbs": _crumbs(etab, ("Paramètres de l'année", None)),
    })
