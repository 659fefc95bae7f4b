"""The notification kinds of the roll call, registered with the notification centre."""

from ent.notifications.kinds import EmailMode, kind_register


def _is_parent(person) -> bool:
    from ent import rights

    return any(r.role == rights.R.PARENT for r in rights.roles_of(person))


def _is_teacher(person) -> bool:
    from ent import rights

    return any(r.role == rights.R.ENSEIGNANT for r in rights.roles_of(person))


def _is_vie_scolaire(person) -> bool:
    from ent import rights

    return any(r.role == rights.R.VIE_SCOLAIRE for r in rights.roles_of(person))


ABSENCE = kind_register(code="appel_absence", label="Absences et retards de mes enfants",
                        default_email=EmailMode.IMMEDIATE, offered_to=_is_parent)
FORGOTTEN = kind_register(code="appel_oubli", label="Appels non faits",
                          default_email=EmailMode.NEVER, offered_to=_is_teacher)
EXCLUSION = kind_register(code="appel_exclusion", label="Exclusions de cours signalées par l'appel",
                          default_email=EmailMode.NEVER, offered_to=_is_vie_scolaire)
