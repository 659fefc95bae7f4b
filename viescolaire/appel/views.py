"""The roll call's pages: the teacher's sheet (htmx taps, or one plain form), the families'
« Absences et retards », the vie scolaire's board and absences. Thin: rights and reads in
``ent.rights.appel`` and ``selectors``, writes in ``services``."""

import datetime as dt
import mimetypes
from itertools import chain

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ent import csvsafe
from ent.french import count_label
from ent.rights import appel as appel_rights

from . import forms, selectors, services, stats
from .marks import PRESENT
from .models import Absence


def _crumbs(*items):
    return [("Appel et absences", reverse("appel:home")), *items]


@login_required
@require_GET
def appel_home(request):
    viewer = request.user
    if not appel_rights.can_use_appel(viewer):
        raise Http404
    kinds = {r.role for r in appel_rights.roles_of(viewer)}
    children = selectors.family_children(viewer=viewer) if appel_rights.R.PARENT in kinds else []
    own = appel_rights.R.ELEVE in kinds
    today = timezone.localdate()
    teaching = selectors.teacher_today(viewer=viewer, day=today)
    etabs = selectors.board_etabs(viewer=viewer)
    if own and not (children or teaching or etabs):
        return redirect("appel:pupil_absences", viewer.pk)
    return render(request, "appel/home.html", {
        "teaching": teaching, "children": children, "own": own, "etabs": etabs,
        "today": today, "is_teacher": appel_rights.R.ENSEIGNANT in kinds,
        "crumbs": [("Appel et absences", "")],
    })


# --- The roll call --------------------------------------------------------------------------
def _sheet_context(request, sheet, **extra):
    return {"sheet": sheet, "seance": sheet.seance,
            "crumbs": _crumbs((f"Appel — {sheet.subject}", "")), **extra}


@login_required
@require_http_methods(["GET", "POST"])
def appel_sheet(request, pk):
    viewer = request.user
    seance = selectors.appel_seance_get(viewer=viewer, pk=pk)
    if request.method == "GET":
        sheet = selectors.appel_sheet(viewer=viewer, seance=seance, with_history=True)
        return render(request, "appel/sheet.html", _sheet_context(request, sheet))
    now = timezone.now()
    sheet = selectors.appel_sheet(viewer=viewer, seance=seance, now=now)
    if sheet.refusal:
        messages.error(request, sheet.refusal)
        return redirect("appel:sheet", pk)
    pupils = [row.person for row in sheet.rows]
    marks, errors = forms.marks_from_post(request.POST, pupils, now)
    if errors:
        return render(request, "appel/sheet.html", _sheet_context(
            request, sheet, errors=errors, posted=marks), status=400)
    validate = "valider" in request.POST or sheet.state == "fait"
    try:
        appel = services.appel_marks_save(
            seance=seance, marks=marks, expected_version=forms.version_from_post(request.POST),
            validate=validate, acting_user=viewer, now=now)
    except services.VersionConflict as conflict:
        sheet = selectors.appel_sheet(viewer=viewer, seance=seance, now=now)
        return render(request, "appel/sheet.html", _sheet_context(
            request, sheet, conflict=_conflict_rows(conflict, pupils, marks),
            conflict_message=conflict.message), status=409)
    except services.AppelError as error:
        messages.error(request, error.message)
        return redirect("appel:sheet", pk)
    absents = sum(m.absent for m in marks.values())
    retards = sum(m.retard for m in marks.values())
    if appel.state == appel.State.FAIT:
        summary = ("aucun absent" if not absents
                   else count_label(absents, "absent", "absents"))
        if retards:
            summary += ", " + count_label(retards, "retard", "retards")
        messages.success(request, f"Appel enregistré : {summary}.")
    else:
        messages.success(request, "Appel enregistré, pas encore validé.")
    return redirect("appel:sheet", pk)


def _conflict_rows(conflict, pupils, mine):
    """The pupils on which the two versions differ: theirs as saved, ours as posted."""
    rows = []
    for pupil in pupils:
        theirs = conflict.current.get(pupil.pk, PRESENT)
        ours = mine.get(pupil.pk, PRESENT)
        if theirs != ours:
            rows.append({"pupil": pupil, "theirs": theirs.summary(), "ours": ours.summary()})
    return rows


@require_POST
@login_required
def appel_pupil_save(request, pk, eleve):
    """One tap: one pupil's mark saved at once; htmx swaps the pupil's row and the version."""
    viewer = request.user
    seance = selectors.appel_seance_get(viewer=viewer, pk=pk)
    now = timezone.now()
    pupil = next((p for p in selectors.seance_pupils(seance=seance) if p.pk == eleve), None)
    if pupil is None:
        raise Http404
    mark, error = forms.mark_from_post(request.POST, pupil, now)
    is_htmx = request.headers.get("HX-Request") == "true"
    conflict = None
    if error is None:
        try:
            services.appel_marks_save(
                seance=seance, marks={pupil.pk: mark}, partial=True,
                expected_version=forms.version_from_post(request.POST), validate=False,
                acting_user=viewer, now=now)
        except services.VersionConflict as exc:
            conflict = exc
        except services.AppelError as exc:
            error = exc.message
    if not is_htmx:
        if error or conflict:
            messages.error(request, error or conflict.message)
        return redirect("appel:sheet", pk)
    sheet = selectors.appel_sheet(viewer=viewer, seance=seance, now=now)
    row = next(r for r in sheet.rows if r.pk == pupil.pk)
    response = render(request, "appel/_pupil_swap.html", {
        "sheet": sheet, "row": row, "row_error": error,
        "conflict_message": conflict.message if conflict else "",
        "conflict": _conflict_rows(conflict, [pupil], {pupil.pk: mark}) if conflict and mark
        else [],
    })
    return response


# --- Families and pupils --------------------------------------------------------------------
@login_required
@require_GET
def pupil_absences(request, pk):
    viewer = request.user
    pupil = selectors.pupil_get(viewer=viewer, pk=pk)
    data = selectors.pupil_absences(viewer=viewer, pupil=pupil)
    return render(request, "appel/pupil_absences.html", {
        "data": data, "pupil": pupil,
        "crumbs": _crumbs((f"Absences et retards — {pupil.display_name}", "")),
    })


def _pupil_etab(pupil):
    return selectors.pupil_etab_get(pupil=pupil)


@login_required
@require_http_methods(["GET", "POST"])
def absence_justify(request, pk):
    viewer = request.user
    absence = selectors.absence_get(viewer=viewer, pk=pk)
    refusal = appel_rights.absence_justify_refusal(viewer, absence)
    if refusal and not appel_rights.is_legal_guardian(viewer, absence.eleve_id):
        raise Http404
    services.motifs_defaults_ensure(etablissement=absence.etablissement)
    motifs = absence.etablissement.motifs_absence.filter(active=True, usable_by_parents=True)
    form = forms.JustifyForm(request.POST or None, request.FILES or None, motifs=motifs)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            services.absence_justify(
                absence=absence, motif=form.cleaned_data["motif"],
                comment=form.cleaned_data["comment"],
                attachment=form.cleaned_data.get("attachment"), acting_user=viewer)
        except services.AppelError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Justification envoyée à la vie scolaire.")
            return redirect("appel:pupil_absences", absence.eleve_id)
    return render(request, "appel/justify.html", {
        "absence": absence, "form": form, "refusal": refusal,
        "crumbs": _crumbs((f"Absences et retards — {absence.eleve.display_name}",
                           reverse("appel:pupil_absences", args=[absence.eleve_id])),
                          ("Justifier", "")),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def absence_declare(request, pk):
    viewer = request.user
    pupil = selectors.pupil_get(viewer=viewer, pk=pk)
    if not appel_rights.can_declare_absence(viewer, pupil.pk):
        raise Http404
    etab = _pupil_etab(pupil)
    services.motifs_defaults_ensure(etablissement=etab)
    motifs = etab.motifs_absence.filter(active=True, usable_by_parents=True)
    form = forms.DeclareForm(request.POST or None, motifs=motifs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.absence_create(
                eleve=pupil, etablissement=etab, start=data["start"], end=data["end"],
                source=Absence.Source.FAMILLE, motif=data["motif"], comment=data["comment"],
                acting_user=viewer)
        except services.AppelError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Absence déclarée : la vie scolaire et les enseignants "
                                      "la verront à l'appel.")
            return redirect("appel:pupil_absences", pupil.pk)
    return render(request, "appel/period_form.html", {
        "form": form, "pupil": pupil, "title": f"Déclarer une absence — {pupil.display_name}",
        "submit": "Déclarer l'absence",
        "crumbs": _crumbs((f"Absences et retards — {pupil.display_name}",
                           reverse("appel:pupil_absences", args=[pupil.pk])),
                          ("Déclarer une absence", "")),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def absence_attachment(request, pk):
    absence = selectors.absence_get(viewer=request.user, pk=pk)
    if not absence.attachment:
        raise Http404
    try:
        handle = absence.attachment.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = mimetypes.guess_type(absence.attachment_name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=absence.attachment_name,
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Vie scolaire ---------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def absence_detail(request, pk):
    viewer = request.user
    absence = selectors.absence_get(viewer=viewer, pk=pk)
    can_decide = appel_rights.can_manage_absences(viewer, absence.etablissement_id)
    if not can_decide and not appel_rights.can_see_board(viewer, absence.etablissement_id):
        raise Http404  # families and teachers read absences on the pupil's page
    services.motifs_defaults_ensure(etablissement=absence.etablissement)
    motifs = absence.etablissement.motifs_absence.filter(active=True)
    form = forms.DecideForm(request.POST or None, motifs=motifs, initial={
        "state": absence.state, "motif": absence.motif_id,
        "comment": absence.decision_comment})
    if request.method == "POST":
        if not can_decide:
            raise Http404
        if form.is_valid():
            try:
                services.absence_decide(
                    absence=absence, state=form.cleaned_data["state"],
                    motif=form.cleaned_data["motif"], comment=form.cleaned_data["comment"],
                    acting_user=viewer)
            except services.AppelError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Absence mise à jour.")
                return redirect("appel:absence_detail", absence.pk)
    return render(request, "appel/absence_detail.html", {
        "absence": absence, "form": form, "can_decide": can_decide,
        "history": selectors.absence_history(absence=absence),
        "crumbs": _crumbs(("Absences", reverse("appel:absences",
                                               args=[absence.etablissement_id])),
                          (absence.eleve.display_name, "")),
    }, status=400 if request.method == "POST" else 200)


def _board_context(request, pk):
    etab = selectors.board_etab_get(viewer=request.user, pk=pk)
    today = timezone.localdate()
    return {"board": selectors.board(viewer=request.user, etab=etab, day=today), "etab": etab,
            "today": today, "can_manage": appel_rights.can_manage_absences(request.user, etab)}


@login_required
@require_GET
def board(request, pk):
    context = _board_context(request, pk)
    context["crumbs"] = _crumbs((f"Tableau du jour — {context['etab'].name}", ""))
    return render(request, "appel/board.html", context)


@login_required
@require_GET
def board_grid(request, pk):
    """The board's live part, polled by htmx."""
    return render(request, "appel/_board_grid.html", _board_context(request, pk))


@login_required
@require_GET
def absences_list(request, pk):
    viewer = request.user
    etab = selectors.board_etab_get(viewer=viewer, pk=pk)
    state = request.GET.get("etat", "")
    return render(request, "appel/absences.html", {
        "etab": etab, "absences": selectors.absences_list(viewer=viewer, etab=etab, state=state),
        "state": state, "states": Absence.State.choices,
        "can_manage": appel_rights.can_manage_absences(viewer, etab),
        "crumbs": _crumbs((f"Absences — {etab.name}", "")),
    })


@login_required
@require_http_methods(["GET", "POST"])
def absence_enter(request, pk):
    viewer = request.user
    etab = selectors.board_etab_get(viewer=viewer, pk=pk)
    if not appel_rights.can_manage_absences(viewer, etab):
        raise Http404
    services.motifs_defaults_ensure(etablissement=etab)
    pupils = selectors.etab_pupils(etab=etab)
    form = forms.EnterForm(request.POST or None, motifs=etab.motifs_absence.filter(active=True),
                           pupils=pupils, initial={"start_date": timezone.localdate(),
                                                   "end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            absence = services.absence_create(
                eleve=data["eleve"], etablissement=etab, start=data["start"], end=data["end"],
                source=Absence.Source.VIE_SCOLAIRE, motif=data["motif"],
                state=data["state"] or None, comment=data["comment"], acting_user=viewer)
        except services.AppelError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Absence de {absence.eleve.display_name} enregistrée.")
            return redirect("appel:absences", etab.pk)
    return render(request, "appel/period_form.html", {
        "form": form, "title": "Saisir une absence", "submit": "Enregistrer l'absence",
        "crumbs": _crumbs((f"Absences — {etab.name}", reverse("appel:absences", args=[etab.pk])),
                          ("Saisir une absence", "")),
    }, status=400 if request.method == "POST" else 200)




# --- Follow-up: signalements, statistics, registre ------------------------------------------
@login_required
@require_GET
def signalements(request, pk):
    etab = selectors.board_etab_get(viewer=request.user, pk=pk)
    today = timezone.localdate()
    return render(request, "appel/signalements.html", {
        "etab": etab, "rows": stats.signalements(etab=etab, today=today),
        "threshold": settings.ENT_APPEL_SIGNALEMENT_HALF_DAYS,
        "days": settings.ENT_APPEL_SIGNALEMENT_DAYS,
        "crumbs": _crumbs((f"Signalements à étudier — {etab.name}", "")),
    })


def _date_param(value, default):
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@login_required
@require_GET
def statistics(request, pk):
    etab = selectors.board_etab_get(viewer=request.user, pk=pk)
    today = timezone.localdate()
    last = _date_param(request.GET.get("au"), today)
    first = _date_param(request.GET.get("du"), last - dt.timedelta(days=29))
    if first > last:
        first, last = last, first
    rows = stats.division_stats(etab=etab, first=first, last=last)
    if request.GET.get("format") == "csv":
        writer = csvsafe.writer(csvsafe.Echo())
        lines = [writer.writerow(["Division", "Élèves", "Demi-journées d'absence",
                                  "dont non justifiées", "Retards",
                                  "Demi-journées par élève"])]
        lines += [writer.writerow([r.division.code, r.pupils, r.half_days, r.unjustified,
                                   r.retards, str(r.rate).replace(".", ",")]) for r in rows]
        response = StreamingHttpResponse(iter(lines), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="absences-{etab.uai}-{first}-{last}.csv"')
        return response
    top = max((r.half_days for r in rows), default=0) or 1
    return render(request, "appel/statistics.html", {
        "etab": etab, "rows": rows, "first": first, "last": last,
        "bars": [{"row": r, "width": round(300 * r.half_days / top),
                  "unjustified": round(300 * r.unjustified / top), "y": 22 * n}
                 for n, r in enumerate(rows)],
        "chart_height": 22 * len(rows) + 4,
        "crumbs": _crumbs((f"Statistiques — {etab.name}", "")),
    })


@login_required
@require_GET
def registre(request, pk):
    """The registre d'appel of a day, as CSV."""
    etab = selectors.board_etab_get(viewer=request.user, pk=pk)
    day = _date_param(request.GET.get("jour"), timezone.localdate())
    writer = csvsafe.writer(csvsafe.Echo())
    header = writer.writerow(["Date", "Début", "Fin", "Matière", "Classes et groupes",
                              "Enseignant", "État de l'appel", "Validé par", "Absents",
                              "Élèves absents", "Élèves en retard"])
    rows = (writer.writerow(row) for row in stats.registre_rows(etab=etab, day=day))
    response = StreamingHttpResponse(chain([header], rows),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="registre-appel-{etab.uai}-{day}.csv"'
    return response


@require_POST
@login_required
def appel_remind(request, pk):
    """The board's « Relancer »: the séance's teacher reminded in one click."""
    seance = selectors.appel_seance_get(viewer=request.user, pk=pk)
    try:
        services.appel_remind(seance=seance, acting_user=request.user)
    except services.AppelError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Relance envoyée à l'enseignant.")
    return redirect("appel:board", seance.cours.etablissement_id)


MOTIF_FLAG_LABELS = (("justifies", "Justifie l'absence"),
                     ("counts_half_days", "Compte dans les demi-journées"),
                     ("shown_to_parents", "Visible des parents"),
                     ("usable_by_parents", "Proposé aux parents"), ("active", "En usage"))


@login_required
@require_http_methods(["GET", "POST"])
def motifs_settings(request, pk):
    viewer = request.user
    etab = selectors.board_etab_get(viewer=viewer, pk=pk)
    if not appel_rights.can_manage_motifs(viewer, etab):
        raise Http404
    services.motifs_defaults_ensure(etablissement=etab)
    if request.method == "POST":
        flags = {name: request.POST.get(name) == "1" for name, _ in MOTIF_FLAG_LABELS}
        try:
            if request.POST.get("motif"):
                motif = etab.motifs_absence.filter(pk=request.POST["motif"]).first()
                if motif is None:
                    raise Http404
                services.motif_update(motif=motif, flags=flags, acting_user=viewer)
                messages.success(request, f"Motif « {motif.label} » enregistré.")
            else:
                motif = services.motif_create(etablissement=etab,
                                              label=request.POST.get("label", ""),
                                              flags=flags, acting_user=viewer)
                messages.success(request, f"Motif « {motif.label} » ajouté.")
        except services.AppelError as error:
            messages.error(request, error.message)
        return redirect("appel:motifs", etab.pk)
    return render(request, "appel/motifs.html", {
        "etab": etab, "motifs": list(etab.motifs_absence.order_by("position", "label")),
        "flags": MOTIF_FLAG_LABELS,
        "crumbs": _crumbs((f"Motifs d'absence — {etab.name}", "")),
    })
