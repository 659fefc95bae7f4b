"""The establishment's secretariat: who it is beyond the feed, and what the principal lets it do.

The feed names the administrative staff by their function (``ADF`` in ``ENTPersonFonctions``);
the principal may designate others among the establishment's personnel. The secretariat always
browses the establishment's directory; it deposits SIECLE exports and prints connection
letters unless the principal withdraws either right.
"""

from django.db import models


class SecretariatMember(models.Model):
    """A member of staff the principal designated for the secretariat."""

    etablissement = models.ForeignKey(
        "annuaire.Etablissement", on_delete=models.CASCADE, related_name="secretariat_members",
        db_index=False,
    )
    person = models.ForeignKey(
        "annuaire.Person", on_delete=models.CASCADE, related_name="secretariat_memberships",
    )
    designated_by = models.ForeignKey(
        "annuaire.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    designated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["etablissement", "person"],
                                    name="secretariat_member_unique"),
        ]


class SecretariatSettings(models.Model):
    """The rights of an establishment's secretariat; without a row, both are granted."""

    etablissement = models.OneToOneField(
        "annuaire.Etablissement", on_delete=models.CASCADE, related_name="secretariat_settings",
    )
    imports_siecle = models.BooleanField(
        "le secrétariat dépose les exports SIECLE et STS-web", default=True)
    prints_letters = models.BooleanField(
        "le secrétariat imprime les fiches de connexion", default=True)
