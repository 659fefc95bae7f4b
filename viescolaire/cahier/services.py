"""The cahier de textes' writes. Views hand in objects their selectors fetched with the viewer
(so within reach); these functions check what depends on the object's state (a visa's lock, a
file's size and the teacher's quota) and raise ``CahierError`` with a French message."""

import datetime as dt
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from annuaire.models import Inscription, Parente, Person
from ent.french import french_date, french_size
from ent.notifications.quiet import DEFAULT as DEFAULT_QUIET
from ent.notifications.quiet import release_at
from ent.notifications.services import notification_send

from . import selectors
from .html import file_name_clean, plain_text_clean, rich_text_clean
from .models import Contenu, Devoir, DevoirFait, PieceJointe, State, TypeTravail, Visa
from .notifications import DEVOIR


class CahierError(Exception):
    """A refusal the user reads (French)."""


class Publish:
    """How a content or homework is published: the form's three choices."""

    DRAFT = "brouillon"
    END = "fin"  # at the end of the séance (the default)
    NOW = "maintenant"
    CHOICES = [(END, "Publier à la fin de la séance"), (NOW, "Publier maintenant"),
               (DRAFT, "Garder en brouillon")]


def seance_end_at(seance) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(seance.date, seance.end))


def _publication(*, seance, publish: str, now: dt.datetime):
    if publish == Publish.DRAFT:
        return State.DRAFT, None
    if publish == Publish.NOW:
        return State.PUBLISHED, now
    return State.PUBLISHED, seance_end_at(seance)


def _check_unlocked(seance):
    visa = selectors.seance_locking_visa(seance=seance)
    if visa is not None:
        raise CahierError(
            f"Cette séance est couverte par le visa du {french_date(visa.up_to)}, qui la "
            "verrouille : elle ne peut plus être modifiée.")


@transaction.atomic
def contenu_save(*, seance, acting_user, title: str, body: str, publish: str,
                 now: dt.datetime | None = None) -> Contenu:
    """Write the séance's content (created on first save). ``seance`` must be writable by
    ``acting_user`` (``selectors.seance_for_writer``)."""
    now = now or timezone.now()
    _check_unlocked(seance)
    state, publish_at = _publication(seance=seance, publish=publish, now=now)
    contenu = Contenu.objects.select_for_update().filter(seance=seance).first()
    if contenu is None:
        contenu = Contenu(seance=seance, author=acting_user)
    elif contenu.state == State.DRAFT and contenu.author_id != acting_user.pk:
        raise CahierError("Un collègue rédige un brouillon de cette séance : lui seul peut le "
                          "modifier tant qu'il n'est pas publié.")
    contenu.title = plain_text_clean(title, max_length=200)
    contenu.body = rich_text_clean(body)
    contenu.state, contenu.publish_at = state, publish_at
    contenu.updated_by, contenu.updated_at = acting_user, now
    contenu.save()
    return contenu


def _due(*, seance, due_seance, due_date):
    if due_seance is not None:
        if due_seance.date < seance.date:
            raise CahierError("La séance choisie pour rendre le travail précède celle où il "
                              "est donné.")
        return due_seance, due_seance.date
    if due_date is None:
        raise CahierError("Indiquez pour quand le travail est à faire : une séance ou une date.")
    if due_date < seance.date:
        raise CahierError(f"Le travail ne peut pas être à faire pour le "
                          f"{french_date(due_date)}, avant la séance où il est donné.")
    return None, due_date


@transaction.atomic
def devoir_save(*, seance, acting_user, type, minutes: int, description: str, publish: str,
                due_seance=None, due_date: dt.date | None = None, devoir: Devoir | None = None,
                now: dt.datetime | None = None, notify: bool = True) -> Devoir:
    """Give (or change) a travail à faire in ``seance``. Families are told when it is first
    published, in the notification centre's way (the digest by default); ``notify=False``
    only for the demo's past weeks."""
    now = now or timezone.now()
    _check_unlocked(seance)
    due_seance, due_date = _due(seance=seance, due_seance=due_seance, due_date=due_date)
    text = rich_text_clean(description)
    if not text:
        raise CahierError("La consigne du travail à faire est vide.")
    was_published = devoir is not None and devoir.state == State.PUBLISHED
    if devoir is None:
        devoir = Devoir(seance=seance, author=acting_user)
    elif devoir.state == State.DRAFT and devoir.author_id != acting_user.pk:
        raise CahierError("Ce travail est le brouillon d'un collègue : lui seul peut le modifier.")
    devoir.state, devoir.publish_at = _publication(seance=seance, publish=publish, now=now)
    devoir.due_seance, devoir.due_date = due_seance, due_date
    devoir.type, devoir.minutes = type, max(0, min(int(minutes or 0), 600))
    devoir.description = text
    devoir.updated_by, devoir.updated_at = acting_user, now
    devoir.save()
    if notify and devoir.state == State.PUBLISHED and not was_published:
        _families_tell(devoir=devoir, now=now)
    return devoir


def families_told_later(*, now: dt.datetime) -> bool:
    """Whether families hear of homework published ``now`` only after the night's quiet hours
    (the notification centre's default ones): the page says so to the teacher."""
    return release_at(quiet=DEFAULT_QUIET, at=now) > now


def _families_tell(*, devoir, now):
    seance = devoir.seance
    regs = seance.cours.regroupements.values("pk")
    pupils = Inscription.objects.filter(regroupement__in=regs).values("eleve_id")
    parents = Parente.objects.filter(eleve_id__in=pupils, representant_legal=True).values(
        "responsable_id")
    recipients = Person.objects.filter(Q(pk__in=pupils) | Q(pk__in=parents),
                                       deactivated_at__isnull=True)
    subject = selectors.subject_label(seance.cours)
    notification_send(
        recipients=recipients, kind=DEVOIR.code,
        title=f"{subject} : travail pour le {french_date(devoir.due_date, 'l j F')}",
        body=f"{devoir.type.label}" + (f", environ {devoir.minutes} min" if devoir.minutes
                                        else ""),
        url=reverse("cahier:travail"), establishment=seance.cours.etablissement_id, now=now)


@transaction.atomic
def devoir_delete(*, devoir, acting_user) -> None:
    _check_unlocked(devoir.seance)
    if devoir.state == State.DRAFT and devoir.author_id != acting_user.pk:
        raise CahierError("Ce travail est le brouillon d'un collègue : lui seul peut le supprimer.")
    for piece in devoir.pieces.all():
        _file_remove(piece)
    devoir.delete()


def devoir_mark_done(*, devoir, eleve, done: bool, now: dt.datetime | None = None) -> None:
    """A pupil's tick (``devoir`` fetched with ``selectors.devoir_for_pupil``)."""
    if done:
        DevoirFait.objects.get_or_create(devoir=devoir, eleve=eleve,
                                         defaults={"done_at": now or timezone.now()})
    else:
        DevoirFait.objects.filter(devoir=devoir, eleve=eleve).delete()


def national_types_ensure() -> list:
    """The national homework types (created by migration 0002; again here for a database
    emptied since, as the tests' flushes do)."""
    from .migrations_data import NATIONAL_TYPES

    rows = []
    for position, (label, evaluation) in enumerate(NATIONAL_TYPES):
        row, _ = TypeTravail.objects.get_or_create(etablissement=None, label=label, defaults={
            "is_evaluation": evaluation, "position": position})
        rows.append(row)
    return rows


# --- Attachments ----------------------------------------------------------------------------
def files_dir() -> Path:
    return Path(settings.ENT_CAHIER_FILES_DIR)


def piece_path(piece) -> Path:
    return files_dir() / piece.storage_name[:2] / piece.storage_name


def quota_used(*, owner) -> int:
    return PieceJointe.objects.filter(owner=owner).aggregate(total=Sum("size"))["total"] or 0


def pieces_check(*, owner, uploads) -> None:
    """Refuse before anything is written: a file over the size limit, or the teacher's quota
    exceeded by the files together."""
    limit = settings.ENT_CAHIER_MAX_FILE_BYTES
    for upload in uploads:
        if upload.size > limit:
            raise CahierError(
                f"Le fichier « {file_name_clean(upload.name)} » pèse {french_size(upload.size)} : "
                f"au plus {french_size(limit)} par fichier. Votre texte n'a pas été perdu ; "
                "retirez ce fichier ou réduisez-le, puis enregistrez à nouveau.")
    quota = settings.ENT_CAHIER_QUOTA_BYTES
    used = quota_used(owner=owner)
    adding = sum(u.size for u in uploads)
    if used + adding > quota:
        raise CahierError(
            f"Votre espace de pièces jointes est plein : {french_size(used)} utilisés sur "
            f"{french_size(quota)}, et ces fichiers en demandent {french_size(adding)}. Votre "
            "texte n'a pas été perdu ; supprimez d'anciennes pièces jointes ou envoyez des "
            "fichiers plus légers.")


def pieces_add(*, owner, uploads, contenu=None, devoir=None) -> list:
    """Store the uploaded files (already checked by ``pieces_check``) and their rows."""
    pieces = []
    for upload in uploads:
        storage_name = uuid.uuid4().hex
        piece = PieceJointe(owner=owner, contenu=contenu, devoir=devoir,
                            name=file_name_clean(upload.name), storage_name=storage_name,
                            size=upload.size,
                            content_type=plain_text_clean(upload.content_type or "",
                                                          max_length=120))
        path = piece_path(piece)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            piece.save()
        except Exception:
            path.unlink(missing_ok=True)
            raise
        pieces.append(piece)
    return pieces


def _file_remove(piece):
    path = piece_path(piece)
    transaction.on_commit(lambda: path.unlink(missing_ok=True))


@transaction.atomic
def piece_delete(*, piece, acting_user) -> None:
    parent = piece.contenu or piece.devoir
    _check_unlocked(parent.seance)
    _file_remove(piece)
    piece.delete()


# --- Copy to another division or group ------------------------------------------------------
@transaction.atomic
def seance_copy(*, source, target, contenu, devoirs, acting_user,
                now: dt.datetime | None = None) -> int:
    """Copy a séance's content, homework and their files to another séance the teacher writes
    (``target`` from ``selectors.seance_for_writer``; ``contenu`` and ``devoirs`` as the
    teacher reads them). Homework due for the next séance is due for the target's next one;
    homework due on a date keeps its distance from the séance. Returns the homework copied."""
    now = now or timezone.now()
    if target.pk == source.pk:
        raise CahierError("Choisissez une autre séance que celle-ci.")
    pieces = list(contenu.pieces.all()) if contenu else []
    pieces += [p for d in devoirs for p in d.pieces.all()]
    pieces_check(owner=acting_user, uploads=pieces)
    if contenu is not None:
        copied = contenu_save(seance=target, acting_user=acting_user, title=contenu.title,
                              body=contenu.body, publish=_same_publish(contenu, source),
                              now=now)
        _pieces_copy(contenu.pieces.all(), owner=acting_user, contenu=copied)
    following = selectors.next_seance(seance=target)
    for devoir in devoirs:
        if devoir.due_seance_id and following is not None:
            due_seance, due_date = following, None
        else:
            due_seance = None
            due_date = target.date + (devoir.due_date - source.date)
        copy = devoir_save(seance=target, acting_user=acting_user, type=devoir.type,
                           minutes=devoir.minutes, description=devoir.description,
                           publish=_same_publish(devoir, source), due_seance=due_seance,
                           due_date=due_date, now=now)
        _pieces_copy(devoir.pieces.all(), owner=acting_user, devoir=copy)
    return len(devoirs)


def _same_publish(item, seance):
    if item.state == State.DRAFT:
        return Publish.DRAFT
    return Publish.END if item.publish_at == seance_end_at(seance) else Publish.NOW


def _pieces_copy(pieces, *, owner, contenu=None, devoir=None):
    import shutil

    for piece in pieces:
        copy = PieceJointe(owner=owner, contenu=contenu, devoir=devoir, name=piece.name,
                           storage_name=uuid.uuid4().hex, size=piece.size,
                           content_type=piece.content_type)
        path = piece_path(copy)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(piece_path(piece), path)
        copy.save()


# --- Visas ----------------------------------------------------------------------------------
@transaction.atomic
def visa_give(*, etab, enseignant, regroupement, matiere_label: str, up_to: dt.date,
              comment: str, locks: bool, acting_user, now: dt.datetime | None = None) -> Visa:
    """The principal's visa on one cahier (teacher × division or group × subject) up to a
    date; ``etab`` fetched with the viewer (``selectors.visa_etab_get``)."""
    if regroupement.etablissement_id != etab.pk:
        raise CahierError("Cette division n'appartient pas à l'établissement.")
    return Visa.objects.create(
        etablissement=etab, enseignant=enseignant, regroupement=regroupement,
        matiere_label=matiere_label[:255], up_to=up_to,
        comment=plain_text_clean(comment, max_length=2000), locks=locks,
        given_by=acting_user, given_at=now or timezone.now())
