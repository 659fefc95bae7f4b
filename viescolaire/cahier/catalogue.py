"""The cahier de textes in the services catalogue: every profile has it by default; the
principal may switch it off per profile (Administration > Services)."""

from ent.catalogue.registry import K, service_register, toggle_register

service_register(
    key="cahier", label="Cahier de textes",
    description="Contenu des séances, travail à faire, visas.",
    profiles={K.ELEVE, K.PARENT, K.ENSEIGNANT, K.VIE_SCOLAIRE, K.DOCUMENTALISTE, K.PERSONNEL,
              K.DIRECTION, K.ADMIN_ETAB},
    url_names=("cahier:*",),
)

# Who reads the published cahier of every class of the establishment (the direction always
# does). Read by ``ent.rights.cahier``.
toggle_register(
    service="cahier", key="cahier.enseignants_tous",
    label="Les enseignants consultent le cahier de textes de tous les enseignants",
    help="Chaque enseignant lit les contenus et le travail publiés de toutes les classes, "
         "pas seulement les siens.",
    default=False,
)
toggle_register(
    service="cahier", key="cahier.vie_scolaire",
    label="La vie scolaire (CPE) consulte le cahier de textes",
    help="Les CPE et la vie scolaire lisent les contenus et le travail publiés de toutes les "
         "classes.",
    default=True,
)
toggle_register(
    service="cahier", key="cahier.medico_social",
    label="L'assistante sociale, le PsyEN et l'infirmière consultent le cahier de textes",
    help="Les personnels médico-sociaux et les psychologues de l'Éducation nationale lisent "
         "les contenus et le travail publiés de toutes les classes.",
    default=False,
)
