"""The first users of the centre: whoever launched a directory import, a SIECLE completion, a
letter batch or a timetable analysis or validation is told when it ends, with a link to it.

Each job calls ``job_end_notify(job=...)`` once at its end; the job's row says how it ended.
"""

from django.urls import reverse

from ent import rights

from .kinds import kind_register
from .services import notification_send


def _administers_something(person) -> bool:
    return rights.is_academy_admin(person) or bool(
        rights.etab_ids_with(person, rights.ETAB_ADMIN_ROLES))


DIRECTORY = kind_register(
    code="import_annuaire", label="Fin d'un import de l'annuaire (AAF, compléments SIECLE)",
    offered_to=_administers_something)
LETTERS = kind_register(
    code="fiches_connexion", label="Fiches de connexion prêtes ou en échec",
    offered_to=_administers_something)
TIMETABLE = kind_register(
    code="import_edt", label="Fin de l'analyse ou de la validation d'un emploi du temps",
    offered_to=_administers_something)


def job_end_notify(*, job) -> None:
    """Tell the job's launcher how it ended; nothing for a job run from the command line or
    one that has not ended."""
    from annuaire.models import AafImport, LetterBatch, SiecleImport
    from imports.models import TimetableImport

    job.refresh_from_db()
    message = {
        AafImport: _aaf, SiecleImport: _siecle, LetterBatch: _letters,
        TimetableImport: _timetable,
    }[type(job)](job)
    if message is None:
        return
    recipient, kind, title, body, url, etab = message
    if recipient is None:
        return
    notification_send(recipients=[recipient], kind=kind.code, title=title, body=body, url=url,
                      establishment=etab)


def _aaf(job):
    S = type(job).Status
    titles = {
        S.APPLIED: "Import de l'annuaire terminé",
        S.SIMULATED: "Simulation de l'import de l'annuaire terminée",
        S.WAITING: "Import de l'annuaire en attente de votre confirmation",
        S.FAILED: "Échec de l'import de l'annuaire",
    }
    if job.status not in titles:
        return None
    body = job.error if job.status == S.FAILED else (
        "Les désactivations de comptes dépassent le seuil : confirmez-les ou annulez l'import."
        if job.status == S.WAITING else "Le compte rendu détaillé est disponible.")
    return (job.created_by_id, DIRECTORY, titles[job.status], body,
            reverse("annuaire:import", args=[job.pk]), None)


def _siecle(job):
    S = type(job).Status
    titles = {S.APPLIED: "Compléments SIECLE appliqués",
              S.FAILED: "Échec des compléments SIECLE"}
    if job.status not in titles:
        return None
    body = job.error if job.status == S.FAILED else "Le compte rendu détaillé est disponible."
    return (job.created_by_id, DIRECTORY, f"{titles[job.status]} — {job.etablissement.name}",
            body, reverse("annuaire:siecle_import", args=[job.pk]), job.etablissement_id)


def _letters(job):
    S = type(job).Status
    if job.status == S.ECHEC:
        title, body = "Échec de l'édition des fiches de connexion", (
            "Aucun code n'a changé. Relancez l'édition ; si l'erreur revient, signalez-la à "
            "l'assistance.")
    elif job.status == S.PRET and job.channel == type(job).Channel.EMAIL:
        title, body = "Fiches de connexion envoyées par courriel", job.scope
    elif job.status == S.PRET:
        title, body = "Fiches de connexion prêtes à télécharger", job.scope
    else:
        return None
    return (job.created_by_id, LETTERS, title, body,
            reverse("annuaire:letter_batch", args=[job.etablissement_id, job.pk]),
            job.etablissement_id)


def _timetable(job):
    S = type(job).Status
    validating = job.decided_by_id is not None
    titles = {
        S.BILAN: "Bilan préliminaire de l'emploi du temps prêt",
        S.VALIDE: "Emploi du temps validé",
        S.ECHEC: ("Échec de la validation de l'emploi du temps" if validating
                  else "Échec de l'analyse de l'emploi du temps"),
    }
    if job.status == S.BILAN and job.validation_interrupted_at and validating:
        # Put back to its bilan by the reaper: its worker died, nothing was applied.
        return (job.decided_by_id, TIMETABLE, "Validation de l'emploi du temps interrompue",
                "L'emploi du temps en vigueur n'a pas changé : vous pouvez relancer la "
                "validation ou annuler l'import.",
                reverse("imports:detail", args=[job.etablissement_id, job.pk]),
                job.etablissement_id)
    if job.status not in titles:
        return None
    body = job.error if job.status == S.ECHEC else (
        "Vérifiez le bilan, puis validez ou annulez l'import." if job.status == S.BILAN
        else "Le nouvel emploi du temps est en vigueur.")
    recipient = job.decided_by_id if validating else job.uploaded_by_id
    return (recipient, TIMETABLE, titles[job.status], body,
            reverse("imports:detail", args=[job.etablissement_id, job.pk]),
            job.etablissement_id)
