"""The cahier de textes in the services catalogue: every profile has it by default; the
principal may switch it off per profile (Administration > Services)."""

from ent.catalogue.registry import K, service_register

service_register(
    key="cahier", label="Cahier de textes",
    description="Contenu des séances, travail à faire, visas.",
    profiles={K.ELEVE, K.PARENT, K.ENSEIGNANT, K.VIE_SCOLAIRE, K.DOCUMENTALISTE, K.PERSONNEL,
              K.DIRECTION, K.ADMIN_ETAB},
    url_names=("cahier:*",),
)
