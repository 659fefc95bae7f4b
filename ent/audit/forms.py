from typing import cast

from django import forms

from .actions import ACTION_GROUPS
from .selectors import JournalFilters


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class JournalFilterForm(forms.Form):
    """The journal's filters, read from the query string."""

    etab = forms.TypedChoiceField(label="Établissement", required=False, coerce=int,
                                  empty_value=None)
    personne = forms.CharField(
        label="Personne (auteur ou concernée)", required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    action = forms.ChoiceField(label="Action", required=False)
    du = forms.DateField(label="Du", required=False, widget=DateInput())
    au = forms.DateField(label="Au", required=False, widget=DateInput())

    def __init__(self, data, *, etabs):
        super().__init__(data)
        self.etabs = {etab.pk: etab for etab in etabs}
        if len(self.etabs) > 1:
            cast(forms.ChoiceField, self.fields["etab"]).choices = [("", "Tous")] + [
                (etab.pk, etab.name) for etab in self.etabs.values()]
        else:
            del self.fields["etab"]
        cast(forms.ChoiceField, self.fields["action"]).choices = [("", "Toutes")] + [
            (group, list(actions.items())) for group, actions in ACTION_GROUPS.items()]

    def clean(self):
        data = super().clean() or {}
        if data.get("du") and data.get("au") and data["au"] < data["du"]:
            self.add_error("au", "La date de fin doit venir après la date de début.")
        return data

    def filters(self) -> JournalFilters:
        # A wrong value is shown as an error and ignored; the other filters still apply.
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return JournalFilters(
            etab=self.etabs.get(data.get("etab")), person=data.get("personne", ""),
            action=data.get("action", ""), start=data.get("du"),
            end=data.get("au") if "au" not in self.errors else None,
        )
