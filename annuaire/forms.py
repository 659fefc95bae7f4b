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

    def __init__(self, data, *, options=None, show_states=False, profiles=None):
        super().__init__(data)
        all_ = [("", "Tous")]
        self.fields["profile"].choices = all_ + (PROFILE_FILTERS if profiles is None
                                                 else list(profiles))
        if options is None:
            for name in ("division", "groupe", "matiere", "state"):
                del self.fields[name]
            return
        self.fields["division"].choices = all_ + [(r.pk, r.code) for r in options["divisions"]]
        self.fields["groupe"].choices = all_ + [(r.pk, r.code) for r in options["groupes"]]
        if "matieres" in options:
            self.fields["matiere"].choices = all_ + [(m, m) for m in options["matieres"]]
        else:  # a teacher's own divisions and groups, without the establishment's subjects
            del self.fields["matiere"]
        if show_states and "states" in options:
            self.fields["state"].choices = all_ + list(options["states"])
        else:
            del self.fields["state"]

    def filters(self):
        # A wrong value (a division of another establishment typed in the address, a stale
        # bookmark) is shown as an error and ignored; the other filters still apply.
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return DirectoryFilters(
            q=data.get("q", ""), profile=data.get("profile", ""),
            division=data.get("division"), groupe=data.get("groupe"),
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


# --- Login blocks, suspension ---------------------------------------------------------------
class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"]


class LoginBlockForm(forms.Form):
    """A login block's fields; the rules (who may block what) are the service's."""

    target = forms.ChoiceField(label="Qui est bloqué", widget=forms.RadioSelect)
    profile = forms.ChoiceField(label="Profil", required=False)
    regroupement = forms.TypedChoiceField(label="Division", required=False, coerce=int,
                                          empty_value=None)
    starts_at = forms.DateTimeField(label="Début", input_formats=DATETIME_FORMATS,
                                    widget=DateTimeLocalInput(),
                                    help_text="Date et heure, par exemple 15/06/2027 08:00.")
    ends_at = forms.DateTimeField(label="Fin", input_formats=DATETIME_FORMATS,
                                  widget=DateTimeLocalInput())
    message = forms.CharField(
        label="Message affiché à la connexion", max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "Fermé pendant les examens"}),
        help_text="Ce que lisent les personnes bloquées quand elles essaient de se connecter.")
    announce = forms.BooleanField(
        label="Afficher aussi ce message sur la page de connexion de l'établissement et sur "
              "la page d'accueil de ses membres", required=False, initial=True,
        help_text="Trois messages affichés au plus par établissement ; seuls ceux de "
                  "l'académie s'affichent pour toute l'académie.")

    def __init__(self, *args, divisions=(), whole_etab=False, **kwargs):
        from .models import LoginBlock

        super().__init__(*args, **kwargs)
        targets = [(LoginBlock.Target.PROFILE, "Un profil"),
                   (LoginBlock.Target.DIVISION, "Une division")]
        if whole_etab:
            targets.append((LoginBlock.Target.ETABLISSEMENT,
                            "Tout l'établissement, direction comprise"))
        self.fields["target"].choices = targets
        self.fields["profile"].choices = [("", "—")] + list(LoginBlock.BlockedProfile.choices)
        self.fields["regroupement"].choices = [("", "—")] + [(d.pk, d.code) for d in divisions]

    def clean(self):
        data = super().clean()
        target = data.get("target")
        if target == "profil" and not data.get("profile"):
            self.add_error("profile", "Choisissez le profil à bloquer.")
        if target == "division" and not data.get("regroupement"):
            self.add_error("regroupement", "Choisissez la division à bloquer.")
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "La fin du blocage doit venir après son début.")
        return data


class SuspendForm(forms.Form):
    reason = forms.CharField(
        label="Motif de la suspension", max_length=255,
        help_text="Visible des administrateurs seulement ; la personne lit seulement que son "
                  "compte est suspendu.")
