"""Writes for activation: codes, letters, first connection, charte."""

import datetime
import logging
import os
from pathlib import Path

from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from annuaire.models import (
    ActivationCode,
    CharteAcceptance,
    EtabAccountSettings,
    LetterBatch,
    Person,
)
from ent.audit.services import audit_record
from ent.errors import ApplicationError
from ent.jobs.progress import Heartbeat, progress_clear, progress_count, progress_set
from ent.jobs.services import job_claim, job_enqueued, job_finish
from ent.lib.tasks import enqueue_on_commit
from ent.notifications.jobs import job_end_notify

from . import selectors
from .codes import code_digest, code_display, code_matches, code_new
from .letters import letters_pdf

log = logging.getLogger(__name__)
PROGRESS_KIND = LetterBatch.PROGRESS_KIND


class ActivationError(ApplicationError):
    """Shown to the person activating; says what is wrong without telling logins apart."""


# --- Codes ----------------------------------------------------------------------------------

def codes_issue(*, persons, acting_user=None, now=None):
    """New codes for ``persons``: returns {person_id: code}; every older code stops working."""
    now = now or timezone.now()
    expires = now + datetime.timedelta(days=settings.ENT_ACTIVATION_CODE_DAYS)
    codes = {person.pk: code_new() for person in persons}
    with transaction.atomic():
        ActivationCode.objects.filter(person_id__in=codes).delete()
        ActivationCode.objects.bulk_create([
            ActivationCode(person_id=pk, digest=code_digest(person_id=pk, code=code),
                           issued_at=now, expires_at=expires, issued_by=acting_user)
            for pk, code in codes.items()
        ], batch_size=2000)
    return codes, expires


def activation_check(*, login, code, now=None):
    """The account a login and code open, or ActivationError in French."""
    now = now or timezone.now()
    # Logins are stored in lower case: equality on the unique index, not UPPER() on every row.
    person = Person.objects.filter(login=(login or "").strip().lower()).select_related(
        "activation_code").first()
    wrong = ActivationError("Identifiant ou code d'activation incorrect.")
    if person is None or not hasattr(person, "activation_code"):
        raise wrong
    stored = person.activation_code
    if not code_matches(person_id=person.pk, typed=code, digest=stored.digest):
        raise wrong
    if stored.used_at is not None or person.activated_at is not None:
        raise ActivationError(
            "Ce compte est déjà activé : connectez-vous avec votre mot de passe, ou utilisez "
            "« Mot de passe oublié ».")
    if stored.expires_at <= now:
        raise ActivationError(
            f"Ce code a expiré le {timezone.localtime(stored.expires_at):%d/%m/%Y}. "
            "Demandez un nouveau code à l'établissement.")
    if person.deactivated_at or person.suspended_at or not person.is_active:
        raise ActivationError(
            "Ce compte n'est pas ouvert actuellement. Adressez-vous à l'établissement.")
    return person


def account_reset_for_code(*, person):
    """An activated account goes back to « non activé »: its password stops working (and so
    do its sessions, which Django ties to the password), the new code opens it again."""
    person.set_unusable_password()
    person.activated_at = None
    person.save(update_fields=["password", "activated_at"])


def person_code_reissue(*, etab, person, acting_user):
    """One person's new code, printed at once: the PDF bytes, or None if they have no letter.

    One transaction: an activated account goes back to « non activé » only if its letter is
    actually produced.
    """
    with transaction.atomic():
        was_activated = person.activated_at is not None
        if was_activated:
            account_reset_for_code(person=person)
            transaction.on_commit(lambda: reissue_notify(person=person, etab=etab))
        batch = letter_batch_create(etab=etab, acting_user=acting_user,
                                    audience=selectors.Audience.PERSONNE,
                                    person_id=person.pk, only_not_activated=False)
        if not batch.total:
            transaction.set_rollback(True)
            return None
        audit_record(acting_user=acting_user, action="code_reissue", target=person, etab=etab,
                     details={"was_activated": was_activated})
        return letter_batch_render(batch_id=batch.pk, to_file=False)


def reissue_recipients(*, person):
    """Where an account's owner is told their account changed: every address they confirmed
    on the portal, and the directory's (the one the establishment sends letters to)."""
    addresses = list(EmailAddress.objects.filter(user=person, verified=True).order_by(
        "-primary", "email").values_list("email", flat=True))
    if person.email:
        addresses.append(person.email)
    seen, unique = set(), []
    for address in addresses:
        key = address.strip().lower()
        if key and key not in seen:
            seen.add(key)
            unique.append(address.strip())
    return unique


def reissue_notify(*, person, etab, now=None):
    """Tell the owner of an activated account that a new code replaced their password: whoever
    holds the code could open the account, and only the owner knows it was not them."""
    context = {"user": person, "etab_name": etab.name, "timestamp": now or timezone.now(),
               "site_name": settings.ENT_SITE_NAME,
               "portal_url": settings.ENT_PUBLIC_URL.rstrip("/")}
    subject = render_to_string("account/email/code_reissued_subject.txt", context).strip()
    body = render_to_string("account/email/code_reissued_message.txt", context)
    recipients = reissue_recipients(person=person)
    for address in recipients:
        send_mail(f"[{settings.ENT_SITE_NAME}] {subject}", body, None, [address])
    return recipients


def chartes_for(*, person):
    """The chartes the person accepts at first connection: one per establishment."""
    etab_ids = person.roles.exclude(etablissement__isnull=True).values("etablissement_id")
    return list(EtabAccountSettings.objects.filter(etablissement_id__in=etab_ids).exclude(
        charte="").select_related("etablissement").order_by("etablissement__name"))


def account_activate(*, person, digest, password, email="", request=None, now=None):
    """First connection: password, chartes accepted, optional e-mail to confirm.

    ``digest`` is the stored digest of the code checked at the first step (the session keeps
    it, never the code); it is checked again under a row lock, so two tabs cannot both use it
    and a code reissued in between wins.
    """
    now = now or timezone.now()
    password_validation.validate_password(password, person)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        valid = ActivationCode.objects.filter(
            person=locked, digest=digest, used_at__isnull=True, expires_at__gt=now).exists()
        if not valid or locked.activated_at or locked.deactivated_at or locked.suspended_at:
            raise ActivationError("Ce code n'est plus valable : recommencez l'activation.")
        locked.set_password(password)
        locked.activated_at = now
        locked.save(update_fields=["password", "activated_at"])
        ActivationCode.objects.filter(person=locked).update(used_at=now)
        CharteAcceptance.objects.bulk_create([
            CharteAcceptance(person=locked, etablissement_id=s.etablissement_id, accepted_at=now)
            for s in chartes_for(person=locked)
        ], ignore_conflicts=True)
        address = None
        if email:
            address = EmailAddress.objects.create(
                user=locked, email=email.strip().lower(), primary=True, verified=False)
    if address is not None and request is not None:
        # allauth builds the confirmation link from its request context, which its middleware
        # sets for views but not elsewhere.
        with allauth_context.request_context(request):
            address.send_confirmation(request, signup=False)
    return locked


# --- Letters --------------------------------------------------------------------------------

def letter_batch_create(*, etab, acting_user, audience, division=None, person_id=None,
                        only_not_activated=True, per_page=1,
                        channel=LetterBatch.Channel.PDF):
    persons = selectors.audience_persons(
        etab=etab, audience=audience, division=division, person_id=person_id,
        only_not_activated=only_not_activated)
    label = selectors.Audience.LABELS[audience]
    if division is not None:
        label = f"{label} de {division.code}"
    elif audience == selectors.Audience.PERSONNE:
        first = persons.first()
        label = f"{first.display_name}" if first else label
    with transaction.atomic():
        batch = LetterBatch.objects.create(
            etablissement=etab, created_by=acting_user, scope=label, channel=channel,
            per_page=per_page, only_not_activated=only_not_activated)
        ids = list(persons.values_list("pk", flat=True))
        batch.persons.add(*ids)
        batch.total = len(ids)
        batch.save(update_fields=["total"])
        # Letters carry new codes: every older code of these people stops working.
        audit_record(acting_user=acting_user, action="letter_batch_create", etab=etab,
                     details={"fiches": label, "comptes": batch.total,
                              "canal": batch.get_channel_display()})
    return batch


def letter_batch_enqueue(*, batch: LetterBatch) -> None:
    """A batch too big for the response goes to a worker, once its row is committed."""
    from annuaire.tasks import letter_batch_task

    job_enqueued(job=batch)
    enqueue_on_commit(letter_batch_task, batch.pk)


def letters_dir():
    path = Path(settings.ENT_LETTERS_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def letter_batch_path(batch):
    return letters_dir() / f"fiches-{batch.pk}.pdf"


def letter_batch_render(*, batch_id, to_file=True):
    """New codes for the batch's persons and their letters, in one transaction.

    Idempotent and kill-safe: a finished batch is left alone; a batch killed midway committed
    nothing (its codes included), so a rerun issues codes afresh and writes the whole file.
    With ``to_file=False`` (a division printed in the request) the PDF bytes are returned and
    never touch the disk.
    """
    batch = LetterBatch.objects.select_related("etablissement", "created_by").get(pk=batch_id)
    if not job_claim(job=batch):
        return None
    progress_set(kind=PROGRESS_KIND, pk=batch.pk, phase="Préparation", fraction=0)
    try:
        with Heartbeat(kind=PROGRESS_KIND, pk=batch.pk):
            persons = list(batch.persons.order_by(*Person.NAME_ORDER))
            with transaction.atomic():
                letters = selectors.letters_build(etab=batch.etablissement, persons=persons)
                codes, expires = codes_issue(persons=persons, acting_user=batch.created_by)
                for letter in letters:
                    letter.code, letter.expires_at = codes[letter.person.pk], expires
                pdf = None
                if batch.channel == LetterBatch.Channel.EMAIL:
                    _letters_send(batch, letters)
                    status = LetterBatch.Status.PRET
                else:
                    pdf = _letters_pdf(batch, letters)
                    if to_file:
                        _pdf_store(batch, pdf)
                        status = LetterBatch.Status.PRET
                    else:
                        status = LetterBatch.Status.TELECHARGE
                job_finish(job=batch, status=status, done=len(letters),
                           file_name=letter_batch_path(batch).name if pdf and to_file else "")
    except Exception as exc:
        log.exception("letter batch %s failed", batch.pk)
        job_finish(job=batch, status=LetterBatch.Status.ECHEC, error=str(exc)[:2000])
        raise
    finally:
        progress_clear(kind=PROGRESS_KIND, pk=batch.pk)
        if to_file:  # a division printed in the request is handed over at once
            job_end_notify(job=batch)
    return pdf


def _letters_pdf(batch, letters):
    def progress(done, total):
        progress_count(kind=PROGRESS_KIND, pk=batch.pk, phase="Mise en page des fiches",
                       done=done, total=total)

    return letters_pdf(letters=letters, per_page=batch.per_page, etab=batch.etablissement,
                       progress=progress)


def _pdf_store(batch, pdf):
    final = letter_batch_path(batch)
    partial = final.with_suffix(".part")
    partial.write_bytes(pdf)
    os.chmod(partial, 0o600)
    os.replace(partial, final)


def _letters_send(batch, letters):
    sent = 0
    for letter in letters:
        if not letter.person.email:
            continue
        body = render_to_string("annuaire/letters/letter_email.txt", {
            "letter": letter, "code": code_display(letter.code),
            "expires_at": timezone.localtime(letter.expires_at),
            "portal_url": settings.ENT_PUBLIC_URL.rstrip('/'),
        })
        send_mail("Votre compte sur l'ENT", body, None, [letter.person.email])
        sent += 1
        progress_count(kind=PROGRESS_KIND, pk=batch.pk, phase="Envoi des courriels",
                       done=sent, total=len(letters))


def letter_batch_downloaded(*, batch):
    """The file goes once fetched: codes in clear live on paper, not on the server."""
    letter_batch_path(batch).unlink(missing_ok=True)
    LetterBatch.objects.filter(pk=batch.pk).update(status=LetterBatch.Status.TELECHARGE)


def letter_files_expire(*, now=None):
    """Removes letter files older than ENT_LETTERS_KEEP_HOURS (a beat task)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.ENT_LETTERS_KEEP_HOURS)
    stale = LetterBatch.objects.filter(status=LetterBatch.Status.PRET, finished_at__lt=cutoff,
                                       channel=LetterBatch.Channel.PDF)
    removed = 0
    for batch in stale:
        letter_batch_path(batch).unlink(missing_ok=True)
        removed += 1
    stale.update(status=LetterBatch.Status.TELECHARGE)
    return removed


# --- Charte and settings --------------------------------------------------------------------

def account_settings_get(*, etab):
    found, _ = EtabAccountSettings.objects.get_or_create(etablissement=etab)
    return found


@transaction.atomic
def account_settings_update(*, etab, charte, vie_scolaire_reissues_codes, acting_user):
    current = account_settings_get(etab=etab)
    changes = {}
    if current.charte != charte:
        current.charte = charte
        current.charte_updated_at = timezone.now()
        changes["charte"] = "modifiée"
    if current.vie_scolaire_reissues_codes != vie_scolaire_reissues_codes:
        changes["la vie scolaire réimprime des codes"] = vie_scolaire_reissues_codes
    current.vie_scolaire_reissues_codes = vie_scolaire_reissues_codes
    current.save()
    if changes:
        audit_record(acting_user=acting_user, action="account_settings_update", etab=etab,
                     details={"changes": changes})
    return current


def account_settings_reissue_set(*, etab, enabled, acting_user):
    """Whether vie scolaire reissues codes in ``etab``: the toggle of the Services page, kept
    where the accounts' settings page stores it. ``acting_user`` is for the audit trail."""
    EtabAccountSettings.objects.update_or_create(
        etablissement=etab, defaults={"vie_scolaire_reissues_codes": enabled})
