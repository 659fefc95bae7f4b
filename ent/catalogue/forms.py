from django import forms
from django.utils import timezone

from annuaire.models import Person


class DelegationForm(forms.Form):
    login = forms.CharField(label="Identifiant de la personne", max_length=80,
                            help_text="Par exemple celui d'un conseiller de l'académie (DANE).")
    starts_on = forms.DateField(label="Début", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="Fin (incluse)", widget=forms.DateInput(attrs={"type": "date"}),
                              help_text="La délégation prend fin d'elle-même après ce jour.")
    motif = forms.CharField(label="Motif", max_length=200, required=False,
                            help_text="Par exemple : délégation à la DANE.")

    def __init__(self, *args, candidates_q, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates_q = candidates_q
        self.fields["starts_on"].initial = timezone.localdate()

    def clean_login(self):
        login = self.cleaned_data["login"].strip().lower()
        person = Person.objects.filter(self.candidates_q, login=login).first()
        if person is None:
            raise forms.ValidationError(
                "Aucun compte actif n'a cet identifiant, ou cette personne administre déjà "
                "l'établissement.")
        self.cleaned_data["person"] = person
        return login


class PublicationForm(forms.Form):
    person = forms.ModelChoiceField(
        label="Responsable de publication", queryset=Person.objects.none(), required=False,
        empty_label="La direction de l'établissement")

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (  # type: ignore[attr-defined]
            candidates.order_by(*Person.NAME_ORDER))
