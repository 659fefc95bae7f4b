from django import forms


class SecretariatRightsForm(forms.Form):
    imports_siecle = forms.BooleanField(
        label="Déposer les exports SIECLE et STS-web", required=False)
    prints_letters = forms.BooleanField(
        label="Imprimer les fiches de connexion (et relancer les comptes non activés)",
        required=False)


class SecretariatDesignateForm(forms.Form):
    person = forms.TypedChoiceField(label="Personnel à ajouter au secrétariat", coerce=int)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Choisir une personne")] + [
            (p.pk, p.display_name) for p in candidates]
