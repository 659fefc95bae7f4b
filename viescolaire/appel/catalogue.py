"""The roll call in the services catalogue (« Appel et absences »): every profile has it by
default; the principal may switch it off per profile (Administration > Services). Vie
scolaire and the direction always keep it: they follow the absences the law asks them to."""

from ent.catalogue.registry import K, service_register

service_register(
    key="appel", label="Appel et absences",
    description="Appel de chaque séance, suivi des absences et des retards, justificatifs.",
    profiles={K.ELEVE, K.PARENT, K.ENSEIGNANT, K.VIE_SCOLAIRE, K.DOCUMENTALISTE, K.PERSONNEL,
              K.DIRECTION, K.ADMIN_ETAB},
    always={K.VIE_SCOLAIRE, K.DIRECTION},
    url_names=("appel:*",),
)
