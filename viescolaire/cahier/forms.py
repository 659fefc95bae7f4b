"""The cahier's forms: a séance's content, a travail à faire, a visa."""

from django import forms

from ent.french import french_date

from .services import Publish

FILES_HELP = "Facultatif ; plusieurs fichiers possibles."


class ContenuForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=200, required=False)
    body = forms.CharField(
        label="Contenu de la séance", required=False,
        widget=forms.Textarea(attrs={"rows": 8, "data-cahier-editor": ""}),
        help_text="Gras, listes, liens et tableaux avec la barre d'outils ; sans elle, le texte "
                  "est gardé tel quel, retours à la ligne compris.")
    publish = forms.ChoiceField(label="Publication", choices=Publish.CHOICES,
                                widget=forms.RadioSelect, initial=Publish.END)


def hour_label(time):
    return f"{time.hour} h {time.minute:02d}" if time.minute else f"{time.hour} h"


def _seance_label(seance):
    return f"Séance du {french_date(seance.date, 'l j F')} à {hour_label(seance.start)}"


class DevoirForm(forms.Form):
    DATE = "date"

    type = forms.ChoiceField(label="Type de travail")
    due = forms.ChoiceField(label="Pour")
    due_date = forms.DateField(label="Date (si « une autre date »)", required=False,
                               widget=forms.DateInput(attrs={"type": "date"},
                                                      format="%Y-%m-%d"))
    minutes = forms.IntegerField(label="Temps estimé (minutes)", min_value=0, max_value=600,
                                 required=False)
    description = forms.CharField(
        label="Consigne", widget=forms.Textarea(attrs={"rows": 5, "data-cahier-editor": ""}))
    publish = forms.ChoiceField(label="Publication", choices=Publish.CHOICES,
                                widget=forms.RadioSelect, initial=Publish.END)

    def __init__(self, *args, types, due_seances, **kwargs):
        super().__init__(*args, **kwargs)
        self.types = {str(t.pk): t for t in types}
        self.fields["type"].choices = [(str(t.pk), t.label) for t in types]
        self.due_seances = {str(s.pk): s for s in due_seances}
        self.fields["due"].choices = [(str(s.pk), _seance_label(s)) for s in due_seances] + [
            (self.DATE, "Une autre date")]
        if not self.is_bound and "due" not in self.initial:
            self.initial["due"] = str(due_seances[0].pk) if due_seances else self.DATE

    def clean(self):
        data = super().clean()
        if data.get("due") == self.DATE and not data.get("due_date"):
            self.add_error("due_date", "Indiquez la date pour laquelle le travail est à faire.")
        return data

    @property
    def chosen_type(self):
        return self.types[self.cleaned_data["type"]]

    @property
    def chosen_due(self):
        """(due séance, due date) as the service takes them."""
        due = self.cleaned_data["due"]
        if due == self.DATE:
            return None, self.cleaned_data["due_date"]
        return self.due_seances[due], None


class VisaForm(forms.Form):
    up_to = forms.DateField(label="Visa jusqu'au", widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))
    comment = forms.CharField(label="Commentaire", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    locks = forms.BooleanField(label="Verrouiller les séances visées (plus de modification)",
                               required=False)
