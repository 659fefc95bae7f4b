from django import forms

from .selectors import PROFILE_FILTERS, DirectoryFilters


class DirectoryFilterForm(forms.Form):
    """The directory's search box and filters, read from the query string."""

    q = forms.CharField(label="Nom, prénom", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    profile = forms.ChoiceField(label="Profil", required=False)
    division = forms.TypedChoiceField(label="Division", required=False, coerce=int, empty_value=None)
    groupe = forms.TypedChoiceField(label="Groupe", required=False, coerce=int, empty_value=None)
    matiere = forms.ChoiceField(label="Matière enseignée", required=False)
    state = forms.ChoiceField(label="État du compte", required=False)

    def __init__(self, data, *, options=None, show_states=False):
        super().__init__(data)
        all_ = [("", "Tous")]
        self.fields["profile"].choices = all_ + PROFILE_FILTERS
        if options is None:
            for name in ("division", "groupe", "matiere", "state"):
                del self.fields[name]
            return
        self.fields["division"].choices = all_ + [(r.pk, r.code) for r in options["divisions"]]
        self.fields["groupe"].choices = all_ + [(r.pk, r.code) for r in options["groupes"]]
        self.fields["matiere"].choices = all_ + [(m, m) for m in options["matieres"]]
        if show_states:
            self.fields["state"].choices = all_ + list(options["states"])
        else:
            del self.fields["state"]

    def filters(self):
        data = self.cleaned_data if self.is_valid() else {}
        return DirectoryFilters(
            q=data.get("q", ""), profile=data.get("profile", ""),
            regroupement=data.get("division") or data.get("groupe"),
            matiere=data.get("matiere", ""), state=data.get("state", ""),
        )


class LoginRenameForm(forms.Form):
    login = forms.CharField(
        label="Nouvel identifiant", max_length=80,
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
        help_text="Minuscules sans accents, chiffres, points et tirets. Les imports ne "
                  "changent jamais un identifiant.",
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class AafUploadForm(forms.Form):
    files = MultipleFileField(
        label="Fichiers AAF",
        help_text="Un ou plusieurs fichiers XML (Complet ou Delta), ou une archive zip.",
        widget=MultipleFileInput(attrs={"accept": ".xml,.zip,application/xml,application/zip"}),
    )
    simulate = forms.BooleanField(
        label="Simuler seulement : produire le rapport sans rien écrire dans l'annuaire",
        required=False,
    )
