"""Vie scolaire's services in the catalogue. The roll call (« Appel et absences », key
``appel``) and the cahier de textes (key ``cahier``) declare theirs here as they land, with
their toggles (cahier of all teachers, of rooms, by the médico-social staff; sanctions and
notes by the CPE) through ``toggle_register``."""

from ent.catalogue.registry import K, service_register

service_register(
    key="emploi_du_temps", label="Emploi du temps",
    description="Les cours de la semaine, changements et annulations signalés.",
    profiles={K.ELEVE, K.PARENT, K.ENSEIGNANT, K.VIE_SCOLAIRE, K.DOCUMENTALISTE, K.PERSONNEL,
              K.DIRECTION, K.ADMIN_ETAB},
    url_names=("viescolaire:*",),
)
