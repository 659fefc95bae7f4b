"""The cahier de textes' pages: a teacher's week and séance, the families' « Travail à faire »
and « Contenu des séances », the principal's visas. Thin: selectors read with the viewer (out
of reach: 404), services write."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ent.dates import monday_of
from ent.french import french_date
from ent.rights import cahier as rights
from viescolaire.selectors import FIRST_DAY, LAST_DAY, week_monday

from . import selectors, services
from .forms import ContenuForm, DevoirForm, VisaForm
from .models import State
from .services import CahierError, Publish

DAY = dt.timedelta(days=1)


@login_required
@require_GET
def cahier_home(request):
    """The service's entry: each profile's own page."""
    user = request.user
    if rights.can_write_cahier(user):
        return redirect("cahier:teacher_week")
    if rights.can_give_visas(user):
        return redirect("cahier:visas")
    if rights.can_read_family_cahier(user):
        return redirect("cahier:travail")
    if rights.can_read_class_cahier(user):
        return redirect("cahier:classe")
    raise Http404


# --- A class's cahier, read-only --------------------------------------------------------------
@login_required
@require_GET
def class_cahier(request):
    """« Cahier de textes d'une classe »: a division's or group's published contents and
    homework, week by week, for the direction and those the principal opened it to."""
    if not rights.can_read_class_cahier(request.user):
        raise Http404
    regroupements = selectors.class_regroupements(viewer=request.user)
    chosen = request.GET.get("classe", "")
    regroupement = None
    if chosen:
        if not chosen.isdigit():
            raise Http404
        regroupement = selectors.class_regroupement_get(viewer=request.user,
                               pk=int(chosen))
    today = timezone.localdate()
    monday, error = week_monday(value=request.GET.get("semaine", ""), today=today)
    if error:
        messages.error(request, error)
    days: dict = {}
    if regroupement is not None:
        for row in selectors.class_week(viewer=request.user, regroupement=regroupement,
                                        monday=monday):
            days.setdefault(row.seance.date, []).append(row)
    return render(request, "viescolaire/cahier/class_cahier.html", {
        "regroupements": regroupements, "regroupement": regroupement,
        "several_etabs": len({r.etablissement_id for r in regroupements}) > 1,
        "monday": monday, "sunday": monday + 6 * DAY, "previous": monday - 7 * DAY,
        "next": monday + 7 * DAY, "this_week": monday_of(today) == monday,
        "days": sorted(days.items()),
    })


# --- Teachers -------------------------------------------------------------------------------
@login_required
@require_GET
def teacher_week(request):
    if not rights.can_write_cahier(request.user):
        raise Http404
    today = timezone.localdate()
    monday, error = week_monday(value=request.GET.get("semaine", ""), today=today)
    if error:
        messages.error(request, error)
    rows = selectors.teacher_week(viewer=request.user, monday=monday)
    days = {}
    for row in rows:
        days.setdefault(row.seance.date, []).append(row)
    return render(request, "viescolaire/cahier/teacher_week.html", {
        "monday": monday, "sunday": monday + 6 * DAY, "previous": monday - 7 * DAY,
        "next": monday + 7 * DAY, "this_week": monday_of(today) == monday,
        "days": sorted(days.items()), "count": len(rows), "today": today,
        "class_cahier": rights.can_read_class_cahier(request.user),
    })


def _devoir_form(seance, *, data=None, devoir=None):
    due_seances = selectors.due_seance_choices(seance=seance)
    if devoir is not None and devoir.due_seance and devoir.due_seance not in due_seances:
        due_seances.insert(0, devoir.due_seance)
    initial = {}
    if devoir is not None:
        initial = {"type": str(devoir.type_id), "minutes": devoir.minutes,
                   "description": devoir.description,
                   "due": str(devoir.due_seance_id) if devoir.due_seance_id else DevoirForm.DATE,
                   "due_date": devoir.due_date, "publish": _publish_of(devoir)}
    return DevoirForm(data, initial=initial, prefix="devoir",
                      types=selectors.types_for(etab_id=seance.cours.etablissement_id),
                      due_seances=due_seances)


def _publish_of(item):
    if item.state == State.DRAFT:
        return Publish.DRAFT
    end = services.seance_end_at(item.seance)
    return Publish.END if item.publish_at == end else Publish.NOW


def _seance_page(request, seance, *, contenu_form=None, devoir_form=None, status=200):
    viewer = request.user
    writable = selectors.seance_is_writable(viewer=viewer, seance=seance)
    contenu = selectors.contenu_of(viewer=viewer, seance=seance)
    hidden_author = (selectors.contenu_hidden_draft_author(viewer=viewer, seance=seance)
                     if writable and contenu is None else None)
    can_edit = writable and hidden_author is None
    if can_edit and contenu_form is None:
        initial = {}
        if contenu is not None:
            initial = {"title": contenu.title, "body": contenu.body,
                       "publish": _publish_of(contenu)}
        contenu_form = ContenuForm(initial=initial)
    if writable and devoir_form is None:
        devoir_form = _devoir_form(seance)
    devoirs = selectors.devoirs_of_seance(viewer=viewer, seance=seance)
    visas = selectors.visas_for_seances([seance])
    mark = selectors.visa_mark(visas=visas, seance=seance, contenu=contenu)
    for devoir in devoirs:
        devoir.editable = writable and rights.can_edit_item(viewer, devoir, seance_writable=True)
    return render(request, "viescolaire/cahier/seance.html", {
        "seance": seance, "subject": selectors.subject_label(seance.cours),
        "writable": writable, "can_edit": can_edit, "hidden_author": hidden_author,
        "contenu": contenu, "contenu_form": contenu_form, "devoir_form": devoir_form,
        "devoirs": devoirs, "mark": mark,
        "locked": mark.visa is not None and any(v.locks for v in selectors._covering(
            visas, seance)),
        "workload": selectors.workload(
            viewer=viewer, regroupement_ids=[r.pk for r in seance.cours.shown_regroupements],
            start=seance.date + DAY) if writable else [],
        "end_at": services.seance_end_at(seance), "now": timezone.now(),
        "copy_targets": selectors.copy_targets(viewer=viewer, seance=seance)
        if writable and (contenu or devoirs) else [],
        "max_file": settings.ENT_CAHIER_MAX_FILE_BYTES,
    }, status=status)


def _told_later(request, item):
    """After a publication: tell the teacher when families will hear of it."""
    if item.state == State.PUBLISHED and services.families_told_later(now=timezone.now()):
        messages.info(request, "Vous publiez en dehors des heures de classe : les familles "
                               "seront prévenues demain matin, à la fin de leur pause "
                               "numérique.")


@login_required
@require_http_methods(["GET", "POST"])
def seance_page(request, pk):
    seance = selectors.seance_for_reader(viewer=request.user, pk=pk)
    if request.method == "GET":
        return _seance_page(request, seance)
    seance = selectors.seance_for_writer(viewer=request.user, pk=pk)
    form = ContenuForm(request.POST)
    uploads = request.FILES.getlist("fichiers")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.pieces_check(owner=request.user, uploads=uploads)
            with transaction.atomic():
                contenu = services.contenu_save(
                    seance=seance, acting_user=request.user, title=data["title"],
                    body=data["body"], publish=data["publish"])
                services.pieces_add(owner=request.user, uploads=uploads, contenu=contenu)
        except CahierError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _saved_message(contenu, "Contenu de la séance"))
            return redirect("cahier:seance", pk=seance.pk)
    # The typed text stays in the form: nothing is lost on a refusal.
    return _seance_page(request, seance, contenu_form=form, status=400)


def _saved_message(item, what):
    if item.state == State.DRAFT:
        return f"{what} enregistré en brouillon : vous seul et la direction le voyez."
    when = timezone.localtime(item.publish_at)
    if when <= timezone.now():
        return f"{what} publié : les élèves et leurs familles le voient."
    return (f"{what} enregistré : visible des élèves et des familles à partir du "
            f"{french_date(when, 'l j F')} à {when:%H:%M}.")


@require_POST
@login_required
def seance_copy(request, pk):
    source = selectors.seance_for_writer(viewer=request.user, pk=pk)
    wanted = request.POST.get("cible", "")
    if not wanted.isdigit():
        messages.error(request, "Choisissez la séance où copier ce contenu.")
        return redirect("cahier:seance", pk=source.pk)
    target = selectors.seance_for_writer(viewer=request.user, pk=int(wanted))
    try:
        count = services.seance_copy(
            source=source, target=target, acting_user=request.user,
            contenu=selectors.contenu_of(viewer=request.user, seance=source),
            devoirs=[d for d in selectors.devoirs_of_seance(viewer=request.user, seance=source)
                     if rights.can_edit_item(request.user, d, seance_writable=True)])
    except CahierError as exc:
        messages.error(request, str(exc))
        return redirect("cahier:seance", pk=source.pk)
    messages.success(request, "Contenu copié" + (
        f" avec {count} travail à faire" if count == 1 else
        f" avec {count} travaux à faire" if count else "") + " : relisez-le ici.")
    return redirect("cahier:seance", pk=target.pk)


@require_POST
@login_required
def devoir_add(request, pk):
    seance = selectors.seance_for_writer(viewer=request.user, pk=pk)
    form = _devoir_form(seance, data=request.POST)
    return _devoir_post(request, seance, form, devoir=None)


def _devoir_post(request, seance, form, *, devoir):
    uploads = request.FILES.getlist("fichiers")
    if form.is_valid():
        data = form.cleaned_data
        due_seance, due_date = form.chosen_due
        try:
            services.pieces_check(owner=request.user, uploads=uploads)
            with transaction.atomic():
                saved = services.devoir_save(
                    seance=seance, acting_user=request.user, type=form.chosen_type,
                    minutes=data["minutes"] or 0, description=data["description"],
                    publish=data["publish"], due_seance=due_seance, due_date=due_date,
                    devoir=devoir)
                services.pieces_add(owner=request.user, uploads=uploads, devoir=saved)
        except CahierError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _saved_message(saved, "Travail à faire"))
            _told_later(request, saved)
            return redirect(f"{reverse('cahier:seance', args=[seance.pk])}#travail")
    if devoir is not None:
        return _devoir_page(request, devoir, form, status=400)
    return _seance_page(request, seance, devoir_form=form, status=400)


def _devoir_page(request, devoir, form, status=200):
    seance = devoir.seance
    return render(request, "viescolaire/cahier/devoir_edit.html", {
        "devoir": devoir, "seance": seance, "form": form,
        "subject": selectors.subject_label(seance.cours),
        "workload": selectors.workload(
            viewer=request.user, start=seance.date + DAY,
            regroupement_ids=seance.cours.regroupements.values_list("pk", flat=True)),
        "max_file": settings.ENT_CAHIER_MAX_FILE_BYTES,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def devoir_edit(request, pk):
    devoir = selectors.devoir_for_writer(viewer=request.user, pk=pk)
    if request.method == "GET":
        return _devoir_page(request, devoir, _devoir_form(devoir.seance, devoir=devoir))
    form = _devoir_form(devoir.seance, data=request.POST, devoir=devoir)
    return _devoir_post(request, devoir.seance, form, devoir=devoir)


@require_POST
@login_required
def devoir_delete(request, pk):
    devoir = selectors.devoir_for_writer(viewer=request.user, pk=pk)
    seance_pk = devoir.seance_id
    try:
        services.devoir_delete(devoir=devoir, acting_user=request.user)
    except CahierError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Travail à faire supprimé.")
    return redirect(f"{reverse('cahier:seance', args=[seance_pk])}#travail")


@require_POST
@login_required
def piece_delete(request, pk):
    piece = selectors.piece_for_writer(viewer=request.user, pk=pk)
    parent = piece.contenu or piece.devoir
    try:
        services.piece_delete(piece=piece, acting_user=request.user)
    except CahierError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Pièce jointe « {piece.name} » supprimée.")
    return redirect("cahier:seance", pk=parent.seance_id)


@login_required
@require_GET
def piece_download(request, pk):
    piece = selectors.piece_get(viewer=request.user, pk=pk)
    path = services.piece_path(piece)
    if not path.exists():
        raise Http404
    # Always a download, never shown inline: an uploaded HTML or SVG file runs nothing here.
    response = FileResponse(open(path, "rb"), as_attachment=True,  # noqa: SIM115
                            filename=piece.name, content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Pupils and parents ---------------------------------------------------------------------
def _family_pupil(request):
    if not rights.can_read_family_cahier(request.user):
        raise Http404
    pupils = selectors.family_pupils(viewer=request.user)
    wanted = request.GET.get("eleve", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        pupil = selectors.family_pupil_get(viewer=request.user, pk=int(wanted))
    elif pupils:
        pupil = pupils[0]
    else:
        raise Http404
    return pupil, pupils


@login_required
@require_GET
def travail(request):
    pupil, pupils = _family_pupil(request)
    today = timezone.localdate()
    # From today to the end of next week; another fortnight by ?semaine=.
    start = today
    if request.GET.get("semaine"):
        start, error = week_monday(value=request.GET["semaine"], today=today)
        if error:
            messages.error(request, error)
    end = monday_of(start) + 13 * DAY
    subject = request.GET.get("matiere", "")[:255]
    work = selectors.family_travail(viewer=request.user, pupil=pupil, start=start, end=end,
                                    subject=subject)
    return render(request, "viescolaire/cahier/travail.html", {
        "pupil": pupil, "pupils": pupils if len(pupils) > 1 else [],
        "own": pupil.pk == request.user.pk, "work": work, "subject": subject,
        "start": start, "end": end, "this_fortnight": start == today,
        "previous": monday_of(start) - 14 * DAY, "next": end + DAY,
        "next_url": request.get_full_path(),
    })


@require_POST
@login_required
def devoir_done(request, pk):
    devoir = selectors.devoir_for_pupil(viewer=request.user, pk=pk)
    services.devoir_mark_done(devoir=devoir, eleve=request.user,
                              done=request.POST.get("fait") == "1")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("cahier:travail")
    return redirect(f"{target}#travail-{devoir.pk}")


@login_required
@require_GET
def contenus(request):
    pupil, pupils = _family_pupil(request)
    today = timezone.localdate()
    try:
        end = dt.date.fromisoformat(request.GET.get("jusquau", "")) if request.GET.get(
            "jusquau") else today
    except ValueError:
        end = today
    if not FIRST_DAY <= end <= LAST_DAY:
        end = today
    start = end - 27 * DAY
    subject = request.GET.get("matiere", "")[:255]
    items, subjects = selectors.family_contenus(viewer=request.user, pupil=pupil, start=start,
                                                end=end, subject=subject)
    earlier = {"jusquau": (start - DAY).isoformat()}
    if request.GET.get("eleve"):
        earlier["eleve"] = pupil.pk
    if subject:
        earlier["matiere"] = subject
    return render(request, "viescolaire/cahier/contenus.html", {
        "pupil": pupil, "pupils": pupils if len(pupils) > 1 else [],
        "own": pupil.pk == request.user.pk, "contenus": items, "subjects": subjects,
        "subject": subject, "start": start, "end": end, "earlier": urlencode(earlier),
    })


# --- The principal --------------------------------------------------------------------------
@login_required
@require_GET
def visas(request):
    etabs = selectors.visa_etabs(viewer=request.user)
    if not etabs:
        raise Http404
    wanted = request.GET.get("etablissement", "")
    etab = next((e for e in etabs if str(e.pk) == wanted), etabs[0])
    return render(request, "viescolaire/cahier/visas.html", {
        "etabs": etabs, "etab": etab,
        "rows": selectors.visa_overview(etab=etab, today=timezone.localdate()),
    })


@login_required
@require_http_methods(["GET", "POST"])
def visa_cahier(request, etab_pk, enseignant_pk, regroupement_pk):
    etab = selectors.visa_etab_get(viewer=request.user, pk=etab_pk)
    enseignant_id, regroupement_id = enseignant_pk, regroupement_pk
    matiere = request.GET.get("matiere", "")
    today = timezone.localdate()
    form = VisaForm(request.POST or None, initial={"up_to": today})
    until = today
    if form.is_bound and form.is_valid():
        until = form.cleaned_data["up_to"]
    enseignant, regroupement, seances, past = selectors.visa_cahier(
        etab=etab, enseignant_id=enseignant_id,
        regroupement_id=regroupement_id, matiere_label=matiere, until=max(until, today))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.visa_give(etab=etab, enseignant=enseignant, regroupement=regroupement,
                           matiere_label=matiere, up_to=data["up_to"], comment=data["comment"],
                           locks=data["locks"], acting_user=request.user)
        messages.success(request, f"Visa donné au cahier de {enseignant.display_name} "
                                  f"({regroupement.code}, {matiere}) jusqu'au "
                                  f"{french_date(data['up_to'])}.")
        return redirect(f"{reverse('cahier:visas')}?etablissement={etab.pk}")
    filled = sum(1 for s in seances if s.contenu and s.contenu.state == State.PUBLISHED)
    return render(request, "viescolaire/cahier/visa_cahier.html", {
        "etab": etab, "enseignant": enseignant, "regroupement": regroupement,
        "matiere": matiere, "seances": seances, "past": past, "form": form,
        "filled": filled,
    }, status=400 if form.is_bound else 200)


@login_required
@require_GET
def visa_pdf(request, etab_pk, enseignant_pk, regroupement_pk):
    """The cahier as the principal visas it, up to today, as a PDF."""
    from django.http import HttpResponse

    from .pdf import cahier_pdf

    etab = selectors.visa_etab_get(viewer=request.user, pk=etab_pk)
    enseignant_id, regroupement_id = enseignant_pk, regroupement_pk
    matiere = request.GET.get("matiere", "")
    enseignant, regroupement, seances, past = selectors.visa_cahier(
        etab=etab, enseignant_id=enseignant_id,
        regroupement_id=regroupement_id, matiere_label=matiere, until=timezone.localdate())
    pdf = cahier_pdf(etab=etab, enseignant=enseignant, regroupement=regroupement,
                     matiere=matiere, seances=list(reversed(seances)), visas=past)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="cahier-{regroupement.pk}-{enseignant.pk}.pdf"')
    return response
