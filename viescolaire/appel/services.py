"""The roll call's and the absences' writes: the only code that changes their tables.

Every write names who makes it (``acting_user``) and leaves a history row (``AppelChange``,
``AbsenceChange``: who, when, before, after). A roll call is written under a lock on its
séance and a version check: a write that read an older version is refused with both versions
(``VersionConflict``), so the teacher and the CPE never silently erase each other.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from annuaire.models import Parente, Person, Role
from ent.errors import ApplicationError
from ent.french import de
from ent.lib.tasks import enqueue_on_commit
from ent.notifications.services import notification_send
from ent.rights import appel as appel_rights
from viescolaire.models import Seance

from . import selectors
from .kinds import ABSENCE, EXCLUSION, FORGOTTEN
from .marks import MARK_FIELDS, PRESENT, MarkData
from .models import Absence, AbsenceChange, Appel, AppelChange, AppelReminder, Marque, Motif

logger = logging.getLogger(__name__)


class AppelError(ApplicationError):
    """A write refused, with a French message."""

    def __init__(self, message):
        self.message = message
        super().__init__(message)


class VersionConflict(AppelError):
    """The roll call changed since the writer read it: ``current`` are its marks now (by pupil
    id), ``changed_by`` and ``changed_at`` the last write."""

    def __init__(self, *, appel):
        self.appel = appel
        self.current = {m.eleve_id: MarkData.of(m) for m in appel.marques.all()} if appel else {}
        last = appel.changes.select_related("changed_by").first() if appel else None
        self.changed_by = last.changed_by if last else None
        self.changed_at = last.changed_at if last else None
        who = f" par {self.changed_by.display_name}" if self.changed_by else ""
        when = f" à {timezone.localtime(self.changed_at):%H:%M}" if self.changed_at else ""
        super().__init__(
            f"L'appel a été modifié{who}{when} pendant que vous le remplissiez : votre saisie "
            "n'a pas été enregistrée. Comparez les deux versions ci-dessous, puis validez à "
            "nouveau.")


def _aware(day, time):
    return dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


# --- Motives --------------------------------------------------------------------------------
@dataclass(frozen=True)
class DefaultMotif:
    code: str
    label: str
    justifies: bool = True
    counts_half_days: bool = True
    shown_to_parents: bool = True
    usable_by_parents: bool = True


# The national defaults every establishment starts with (those of SIECLE Vie scolaire and the
# usual vie scolaire products); each establishment may change their flags and add its own.
NATIONAL_MOTIFS = (
    DefaultMotif("maladie", "Maladie"),
    DefaultMotif("rdv_medical", "Rendez-vous médical"),
    DefaultMotif("familial", "Raison familiale"),
    DefaultMotif("transport", "Problème de transport"),
    DefaultMotif("convocation", "Convocation officielle (examen, administration, justice)"),
    DefaultMotif("sortie_scolaire", "Sortie ou voyage scolaire", counts_half_days=False,
                 usable_by_parents=False),
    DefaultMotif("infirmerie", "Passage à l'infirmerie", counts_half_days=False,
                 usable_by_parents=False),
    DefaultMotif("non_recevable", "Motif non recevable", justifies=False,
                 usable_by_parents=False),
)


def motifs_defaults_ensure(*, etablissement) -> int:
    """Give the establishment the national motives it lacks (idempotent); returns how many."""
    have = set(Motif.objects.filter(etablissement=etablissement).values_list("code", flat=True))
    new = [Motif(etablissement=etablissement, position=n, code=m.code, label=m.label,
                 justifies=m.justifies, counts_half_days=m.counts_half_days,
                 shown_to_parents=m.shown_to_parents, usable_by_parents=m.usable_by_parents)
           for n, m in enumerate(NATIONAL_MOTIFS) if m.code not in have]
    Motif.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


# --- Roll call ------------------------------------------------------------------------------
def appel_marks_save(*, seance: Seance, marks: dict[int, MarkData], expected_version: int,
                     validate: bool, acting_user, now: dt.datetime | None = None,
                     partial: bool = False, notify: bool = True) -> Appel:
    """Record the marks of a séance's roll call.

    ``marks`` by pupil id; with ``partial`` (one tap) only those pupils change, else every
    pupil of the séance not in ``marks`` is present. ``validate`` makes the roll call « fait »
    (with no mark at all: « fait, aucun absent »). ``expected_version`` is the version the
    writer read (0 before any write). Raises ``VersionConflict`` or ``AppelError``. Once the
    transaction commits, a task tells the families (``notify``: the demo's past weeks don't).
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Every writer of this roll call queues here: the version check below is then exact.
        seance = Seance.objects.select_for_update().select_related("cours").get(pk=seance.pk)
        refusal = appel_rights.appel_edit_refusal(acting_user, seance, now=now)
        if refusal:
            raise AppelError(refusal)
        appel = Appel.objects.filter(seance=seance).first()
        current_version = appel.version if appel else 0
        if expected_version != current_version:
            raise VersionConflict(appel=appel)
        pupils = selectors.seance_pupil_ids(seance=seance)
        created = appel is None
        if created:
            appel = Appel.objects.create(seance=seance, started_by=acting_user, started_at=now,
                                         updated_at=now, version=0)
            # Everyone is present, but for the absences already known.
            known = selectors.known_absences(seance=seance, pupil_ids=pupils)
            Marque.objects.bulk_create([
                Marque(appel=appel, eleve_id=pid, absent=True, absence_id=absence.pk)
                for pid, absence in known.items()])
        existing = {m.eleve_id: m for m in Marque.objects.filter(appel=appel)}
        wanted = {pid: marks.get(pid, PRESENT) for pid in pupils} if not partial else {
            pid: mark for pid, mark in marks.items() if pid in pupils}
        was_done = appel.state == Appel.State.FAIT
        action = "correction" if was_done else ("validation" if validate else "saisie")
        changes, touched, new_exclusions, dropped = [], [], [], set()
        for pid, mark in wanted.items():
            row = existing.get(pid)
            before = MarkData.of(row)
            if before == mark:
                continue
            if mark.blank:
                if row.absence_id is not None:
                    dropped.add(row.absence_id)
                row.delete()
                existing.pop(pid)
            else:
                row = row or Marque(appel=appel, eleve_id=pid)
                for name in MARK_FIELDS:
                    setattr(row, name, getattr(mark, name))
                row.save()
                existing[pid] = row
            if mark.exclu and not before.exclu:
                new_exclusions.append(pid)
            touched.append(pid)
            changes.append(AppelChange(appel=appel, eleve_id=pid, action=action,
                                       changed_by=acting_user, changed_at=now,
                                       before=before.as_json(), after=mark.as_json()))
        if validate and not was_done:
            appel.state = Appel.State.FAIT
            appel.validated_by = acting_user
            appel.validated_at = now
            appel.roster = sorted(pupils)
            changes.append(AppelChange(appel=appel, action="validation", changed_by=acting_user,
                                       changed_at=now, after={"absents": sum(
                                           m.absent for m in existing.values())}))
        AppelChange.objects.bulk_create(changes)
        appel.version = current_version + 1
        appel.updated_at = now
        appel.save()
        if appel.state == Appel.State.FAIT:
            sync = set(existing) | set(touched) if not was_done else set(touched)
            _absences_sync(appel=appel, seance=seance, pupil_ids=sync, marks=existing,
                           dropped=dropped, acting_user=acting_user, now=now)
            if notify:
                from .tasks import appel_families_notify_task

                # The broker out of reach fails no validation: the task is rerun-safe.
                enqueue_on_commit(appel_families_notify_task, appel.pk, broker_down_ok=True)
        if new_exclusions:
            _exclusions_notify(seance=seance, pupil_ids=new_exclusions, acting_user=acting_user,
                               now=now)
    return appel


def _absences_sync(*, appel, seance, pupil_ids, marks, dropped, acting_user, now):
    """Make the absences follow the absent marks of a roll call already « fait »: an absent
    pupil's mark joins the absence known for that time, or their absence of the previous
    séance of the day (consecutive séances are one period), else a new one; a mark no longer
    absent leaves its period, which shrinks or goes when it came from roll calls only."""
    start, end = _aware(seance.date, seance.start), _aware(seance.date, seance.end)
    absent = [pid for pid in pupil_ids if pid in marks and marks[pid].absent
              and marks[pid].absence_id is None]
    # Marks of these pupils that left their absence: every one is relinked or unlinked.
    leaving = [marks[pid] for pid in pupil_ids if pid in marks and not marks[pid].absent
               and marks[pid].absence_id is not None]
    emptied = {m.absence_id for m in leaving} | set(dropped)
    Marque.objects.filter(pk__in=[m.pk for m in leaving]).update(absence=None)
    if absent:
        known = selectors.known_absences(seance=seance, pupil_ids=absent)
        previous_end = dict(
            Appel.objects.filter(
                state=Appel.State.FAIT, seance__date=seance.date,
                seance__end__lte=seance.start,
                seance__cours__regroupements__inscriptions__eleve_id__in=absent)
            .values_list("seance__cours__regroupements__inscriptions__eleve_id")
            .annotate(last=Max("seance__end")).values_list(
                "seance__cours__regroupements__inscriptions__eleve_id", "last"))
        ends = {pid: _aware(seance.date, t) for pid, t in previous_end.items()}
        running = {a.eleve_id: a for a in Absence.objects.filter(
            eleve_id__in=list(ends), source=Absence.Source.APPEL,
            end__in=set(ends.values()))}
        history = []
        for pid in absent:
            mark = marks[pid]
            absence = known.get(pid)
            if absence is None:
                absence = running.get(pid)
                if absence is not None and absence.end == ends.get(pid):
                    before = _absence_json(absence)
                    absence.end = max(absence.end, end)
                    absence.updated_at = now
                    absence.save(update_fields=["end", "updated_at"])
                    history.append(_absence_change(absence, "prolongation", acting_user, now,
                                                   before))
                else:
                    absence = Absence.objects.create(
                        eleve_id=pid, etablissement_id=seance.cours.etablissement_id,
                        start=start, end=end, source=Absence.Source.APPEL,
                        created_by=acting_user, created_at=now, updated_at=now)
                    history.append(_absence_change(absence, "creation", acting_user, now, {}))
            mark.absence = absence
            Marque.objects.filter(pk=mark.pk).update(absence=absence)
        AbsenceChange.objects.bulk_create(history)
    if emptied:
        _absences_reshape(absence_ids=emptied, acting_user=acting_user, now=now)


def _absences_reshape(*, absence_ids, acting_user, now):
    """Roll-call absences follow their remaining marks: narrowed to them, deleted without."""
    history = []
    for absence in Absence.objects.filter(pk__in=absence_ids, source=Absence.Source.APPEL):
        spans = list(Marque.objects.filter(absence=absence).values_list(
            "appel__seance__date", "appel__seance__start", "appel__seance__end"))
        before = _absence_json(absence)
        if not spans:
            history.append(_absence_change(absence, "suppression", acting_user, now, before,
                                           after={}))
            history[-1].absence = None
            absence.delete()
            continue
        absence.start = min(_aware(d, s) for d, s, _ in spans)
        absence.end = max(_aware(d, e) for d, _, e in spans)
        absence.updated_at = now
        absence.save(update_fields=["start", "end", "updated_at"])
        history.append(_absence_change(absence, "periode", acting_user, now, before))
    AbsenceChange.objects.bulk_create(history)


def _absence_json(absence):
    return {
        "debut": timezone.localtime(absence.start).strftime("%Y-%m-%d %H:%M"),
        "fin": timezone.localtime(absence.end).strftime("%Y-%m-%d %H:%M"),
        "etat": absence.state,
        "motif": absence.motif.label if absence.motif_id else "",
    }


def _absence_change(absence, action, acting_user, now, before, after=None):
    return AbsenceChange(absence=absence, eleve_id=absence.eleve_id,
                         etablissement_id=absence.etablissement_id, action=action,
                         changed_by=acting_user, changed_at=now, before=before,
                         after=_absence_json(absence) if after is None else after)


# --- Notifications --------------------------------------------------------------------------
def appel_families_notify(*, appel_id: int, now: dt.datetime | None = None) -> int:
    """Tell the legal guardians of each pupil the validated roll call found absent or late,
    once: the marks keep when they were told, so a rerun tells no one twice. Returns how many
    notifications were written."""
    now = now or timezone.now()
    written = 0
    with transaction.atomic():
        appel = Appel.objects.select_related("seance__cours").filter(
            pk=appel_id, state=Appel.State.FAIT).first()
        if appel is None:
            return 0
        marks = list(Marque.objects.select_for_update().filter(appel=appel).filter(
            absent=True, notified_absent_at__isnull=True).select_related("eleve")) + list(
            Marque.objects.select_for_update().filter(appel=appel).filter(
                absent=False, retard=True, notified_retard_at__isnull=True)
            .select_related("eleve"))
        if not marks:
            return 0
        guardians = {}
        for eleve_id, parent_id in Parente.objects.filter(
                eleve_id__in=[m.eleve_id for m in marks], representant_legal=True,
                responsable__deactivated_at__isnull=True).values_list(
                    "eleve_id", "responsable_id"):
            guardians.setdefault(eleve_id, []).append(parent_id)
        seance = appel.seance
        for mark in marks:
            child = mark.eleve.first_name or mark.eleve.display_name
            when = f"{_day_fr(seance.date)} à {seance.start.hour}h{seance.start.minute:02d}"
            subject = selectors.subject_label(seance.cours)
            if mark.absent:
                title = f"Absence {de(child)} le {when}"
                body = f"{child} a été noté(e) absent(e) en {subject} ({when})."
                mark.notified_absent_at = now
            else:
                arrived = (f" à {mark.arrivee.hour}h{mark.arrivee.minute:02d}"
                           if mark.arrivee else "")
                title = f"Retard {de(child)} le {when}"
                body = f"{child} est arrivé(e) en retard{arrived} en {subject}."
                mark.notified_retard_at = now
            url = reverse("appel:pupil_absences", args=[mark.eleve_id])
            written += notification_send(
                recipients=guardians.get(mark.eleve_id, []), kind=ABSENCE.code, title=title,
                body=body, url=url, establishment=seance.cours.etablissement_id, now=now)
            mark.save(update_fields=["notified_absent_at", "notified_retard_at"])
    return written


MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _day_fr(day):
    first = "1er" if day.day == 1 else str(day.day)
    return f"{DAYS[day.weekday()]} {first} {MONTHS[day.month - 1]}"


def _exclusions_notify(*, seance, pupil_ids, acting_user, now):
    """An exclusion de cours is the vie scolaire's at once: the pupil is on their way."""
    etab_id = seance.cours.etablissement_id
    names = ", ".join(p.display_name for p in Person.objects.filter(pk__in=pupil_ids))
    notification_send(
        recipients=Person.objects.filter(roles__etablissement_id=etab_id,
                                         roles__role=Role.Kind.VIE_SCOLAIRE,
                                         deactivated_at__isnull=True),
        kind=EXCLUSION.code, title=f"Exclusion de cours : {names}"[:200],
        body=f"{selectors.subject_label(seance.cours)}, {seance.start:%H:%M}, signalée par "
             f"{acting_user.display_name}.",
        url=reverse("appel:sheet", args=[seance.pk]), establishment=etab_id, now=now)


# --- Absences -------------------------------------------------------------------------------
def absence_create(*, eleve: Person, etablissement, start: dt.datetime, end: dt.datetime,
                   source: str, acting_user, motif: Motif | None = None,
                   state: str | None = None, comment: str = "",
                   now: dt.datetime | None = None) -> Absence:
    """An absence entered ahead (by the vie scolaire after a phone call, or declared by a
    legal guardian): the roll calls of the period show it as known."""
    now = now or timezone.now()
    if end <= start:
        raise AppelError("La fin de l'absence doit être après son début.")
    if motif is not None and motif.etablissement_id != etablissement.pk:
        raise AppelError("Ce motif n'est pas un motif de l'établissement.")
    if state is None:
        if source == Absence.Source.FAMILLE:
            state = Absence.State.EN_ATTENTE
        elif motif is not None:
            state = Absence.State.JUSTIFIEE if motif.justifies else Absence.State.NON_JUSTIFIEE
        else:
            state = Absence.State.SANS_MOTIF
    with transaction.atomic():
        absence = Absence.objects.create(
            eleve=eleve, etablissement=etablissement, start=start, end=end, state=state,
            motif=motif, source=source, created_by=acting_user, created_at=now, updated_at=now,
            family_comment=comment if source == Absence.Source.FAMILLE else "",
            decision_comment=comment if source != Absence.Source.FAMILLE else "",
            family_justified_at=now if source == Absence.Source.FAMILLE else None,
            family_justified_by=acting_user if source == Absence.Source.FAMILLE else None,
            decided_by=acting_user if state in Absence.DECIDED else None,
            decided_at=now if state in Absence.DECIDED else None)
        _absence_change(absence, "creation", acting_user, now, {}).save()
    return absence


def absence_justify(*, absence: Absence, motif: Motif, comment: str, attachment,
                    acting_user, now: dt.datetime | None = None) -> Absence:
    """A legal guardian's justification: a motive they may use, a comment, maybe a file. The
    vie scolaire then decides. Nothing is kept when anything fails (the file included)."""
    now = now or timezone.now()
    stored = None
    try:
        with transaction.atomic():
            absence = Absence.objects.select_for_update().get(pk=absence.pk)
            refusal = appel_rights.absence_justify_refusal(acting_user, absence)
            if refusal:
                raise AppelError(refusal)
            if motif.etablissement_id != absence.etablissement_id or not (
                    motif.active and motif.usable_by_parents):
                raise AppelError("Ce motif ne peut pas être choisi par les familles.")
            before = _absence_json(absence)
            absence.motif = motif
            absence.family_comment = comment
            absence.family_justified_at = now
            absence.family_justified_by = acting_user
            absence.state = Absence.State.EN_ATTENTE
            absence.updated_at = now
            if attachment is not None:
                old = absence.attachment.name if absence.attachment else ""
                absence.attachment.save(_safe_name(attachment.name), attachment, save=False)
                stored = absence.attachment.name
                absence.attachment_name = attachment.name[:255]
                if old:
                    transaction.on_commit(lambda: absence.attachment.storage.delete(old))
            absence.save()
            AbsenceChange.objects.create(
                absence=absence, eleve_id=absence.eleve_id,
                etablissement_id=absence.etablissement_id, action="justification",
                changed_by=acting_user, changed_at=now, before=before,
                after=_absence_json(absence) | ({"justificatif": absence.attachment_name}
                                                if stored else {}))
    except Exception:
        if stored:
            absence.attachment.storage.delete(stored)
        raise
    return absence


def _safe_name(name):
    import pathlib
    import uuid

    suffix = pathlib.Path(name).suffix.lower()[:8]
    return f"{uuid.uuid4().hex}{suffix}"


def absence_decide(*, absence: Absence, state: str, motif: Motif | None, comment: str,
                   acting_user, now: dt.datetime | None = None) -> Absence:
    """The vie scolaire's decision on an absence: its state and motive."""
    now = now or timezone.now()
    if state not in Absence.State.values:
        raise AppelError("État d'absence inconnu.")
    with transaction.atomic():
        absence = Absence.objects.select_for_update().get(pk=absence.pk)
        if not appel_rights.can_manage_absences(acting_user, absence.etablissement_id):
            raise AppelError("Seule la vie scolaire de l'établissement statue sur une absence.")
        if motif is not None and motif.etablissement_id != absence.etablissement_id:
            raise AppelError("Ce motif n'est pas un motif de l'établissement.")
        if state == Absence.State.JUSTIFIEE and (motif is None or not motif.justifies):
            raise AppelError("Une absence justifiée demande un motif qui justifie l'absence.")
        before = _absence_json(absence)
        absence.state = state
        absence.motif = motif
        absence.decision_comment = comment
        absence.updated_at = now
        if state in Absence.DECIDED:
            absence.decided_by, absence.decided_at = acting_user, now
        else:
            absence.decided_by, absence.decided_at = None, None
        absence.save()
        after = _absence_json(absence)
        if after != before or comment:
            AbsenceChange.objects.create(
                absence=absence, eleve_id=absence.eleve_id,
                etablissement_id=absence.etablissement_id, action="decision",
                changed_by=acting_user, changed_at=now, before=before,
                after=after | ({"commentaire": comment} if comment else {}))
    return absence


# --- Forgotten roll calls -------------------------------------------------------------------
def _teachers_of(seances):
    """Who takes each séance's roll call: its replacing teacher, else its teachers."""
    from viescolaire.models import Cours

    by_cours = defaultdict(list)
    for cours_id, person_id in Cours.enseignants.through.objects.filter(
            cours_id__in={s.cours_id for s in seances}).values_list("cours_id", "person_id"):
        by_cours[cours_id].append(person_id)
    return {s.pk: [s.remplacant_id] if s.remplacant_id else by_cours[s.cours_id]
            for s in seances}


def _remind(seances, *, now, origin, acting_user=None):
    teachers = _teachers_of(seances)
    AppelReminder.objects.bulk_create(
        [AppelReminder(seance=s, origin=origin, sent_by=acting_user, sent_at=now)
         for s in seances], ignore_conflicts=origin == AppelReminder.Origin.AUTO)
    told = 0
    for s in seances:
        regs = ", ".join(s.cours.regroupements.values_list("code", flat=True))
        told += notification_send(
            recipients=teachers[s.pk], kind=FORGOTTEN.code,
            title=f"Appel à faire : {selectors.subject_label(s.cours)} {regs}, "
                  f"{s.start.hour}h{s.start.minute:02d}".strip(),
            body="L'appel de cette séance n'est pas encore validé."
            + (f" Relance de {acting_user.display_name} (vie scolaire)." if acting_user else ""),
            url=reverse("appel:sheet", args=[s.pk]), establishment=s.cours.etablissement_id,
            now=now)
    return told


def appels_forgotten_notify(*, now: dt.datetime | None = None) -> int:
    """Remind the teachers of today's séances started ``ENT_APPEL_REMINDER_MINUTES`` ago
    without a validated roll call, once per séance (the beat task runs it every few minutes;
    a rerun reminds no one twice). Returns how many notifications were written."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    since = (local - dt.timedelta(minutes=settings.ENT_APPEL_REMINDER_MINUTES))
    if since.date() != local.date():
        return 0
    with transaction.atomic():
        seances = list(Seance.objects.filter(
            date=local.date(), cancelled=False, start__lte=since.time()).exclude(
                appel__state=Appel.State.FAIT).exclude(
                    appel_reminders__origin=AppelReminder.Origin.AUTO).select_related(
                        "cours", "cours__matiere").select_for_update(of=("self",)))
        return _remind(seances, now=now, origin=AppelReminder.Origin.AUTO)


def appel_remind(*, seance: Seance, acting_user, now: dt.datetime | None = None) -> int:
    """The vie scolaire's one-click reminder from its board."""
    if not appel_rights.can_manage_absences(acting_user, seance.cours.etablissement_id):
        raise AppelError("Seule la vie scolaire de l'établissement relance un appel.")
    if Appel.objects.filter(seance=seance, state=Appel.State.FAIT).exists():
        raise AppelError("Cet appel est déjà fait.")
    return _remind([seance], now=now or timezone.now(), origin=AppelReminder.Origin.VIE_SCOLAIRE,
                   acting_user=acting_user)


# --- Motives' settings ----------------------------------------------------------------------
MOTIF_FLAGS = ("justifies", "counts_half_days", "shown_to_parents", "usable_by_parents", "active")


def motif_update(*, motif: Motif, flags: dict, acting_user) -> Motif:
    if not appel_rights.can_manage_motifs(acting_user, motif.etablissement_id):
        raise AppelError("Seules la direction et la vie scolaire règlent les motifs.")
    for name in MOTIF_FLAGS:
        setattr(motif, name, bool(flags.get(name)))
    motif.save(update_fields=list(MOTIF_FLAGS))
    return motif


def motif_create(*, etablissement, label: str, flags: dict, acting_user) -> Motif:
    from django.utils.text import slugify

    if not appel_rights.can_manage_motifs(acting_user, etablissement):
        raise AppelError("Seules la direction et la vie scolaire règlent les motifs.")
    label = label.strip()[:120]
    if not label:
        raise AppelError("Donnez un libellé au motif.")
    code = slugify(label)[:30] or "motif"
    if Motif.objects.filter(etablissement=etablissement, label__iexact=label).exists():
        raise AppelError(f"Le motif « {label} » existe déjà.")
    n = 1
    base = code
    while Motif.objects.filter(etablissement=etablissement, code=code).exists():
        n += 1
        code = f"{base}-{n}"
    last = Motif.objects.filter(etablissement=etablissement).order_by("-position").first()
    return Motif.objects.create(etablissement=etablissement, code=code, label=label,
                                position=(last.position + 1) if last else 0,
                                **{name: bool(flags.get(name)) for name in MOTIF_FLAGS})
