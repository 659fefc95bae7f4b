"""Remove the pupil–relative links a SIECLE completion created (``siecle["cree"]``).

The AAF is the only source of who is whose relative: a link SIECLE created let a relative of
another establishment read a pupil's card and timetable. Such links are told apart by the
``cree`` flag the completion set on them. The relatives' « parent » roles those links gave (at
an AAF import that read the relative again) go with them where no other link justifies them.
The pupils' AAF digests are cleared, so that the next Complet reads their records again and
restores any of these links the AAF does deliver (the merge keeps a row identical to the
delivered one, flag included).
"""

from django.db import migrations


def remove_siecle_created_links(apps, schema_editor):
    Parente = apps.get_model("annuaire", "Parente")
    Person = apps.get_model("annuaire", "Person")
    Role = apps.get_model("annuaire", "Role")
    created = Parente.objects.filter(siecle__cree=True)
    pairs = list(created.values_list("eleve_id", "responsable_id"))
    if not pairs:
        return
    created.delete()
    pupils = sorted({eleve for eleve, _ in pairs})
    relatives = sorted({relative for _, relative in pairs})
    Person.objects.filter(pk__in=pupils).update(aaf_hash="")
    # Where each relative is still a parent: an active child of theirs, a pupil there, of whom
    # they are a legal guardian (the rule the AAF import applies).
    justified = set(Role.objects.filter(
        role="eleve", person__deactivated_at__isnull=True,
        person__responsables_links__responsable_id__in=relatives,
        person__responsables_links__representant_legal=True,
    ).values_list("person__responsables_links__responsable_id", "etablissement_id"))
    for role in Role.objects.filter(person_id__in=relatives, role="parent", source="aaf"):
        if (role.person_id, role.etablissement_id) not in justified:
            role.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("annuaire", "0009_lowercase_logins"),
    ]

    operations = [
        migrations.RunPython(remove_siecle_created_links, migrations.RunPython.noop),
    ]
