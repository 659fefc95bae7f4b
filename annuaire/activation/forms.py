from allauth.account.forms import ResetPasswordForm
from allauth.account.models import EmailAddress
from django import forms
from django.contrib.auth import password_validation

from annuaire.models import LetterBatch

from .letters import LAYOUTS
from .selectors import Audience


class ConfirmedEmailResetForm(ResetPasswordForm):
    """A reset link goes only to an address its owner confirmed."""

    def clean_email(self):
        email = super().clean_email()
        confirmed = set(EmailAddress.objects.filter(
            email__iexact=email, verified=True).values_list("user_id", flat=True))
        self.users = [user for user in self.users if user.pk in confirmed]
        return email


class Form(forms.Form):
    """Labels without the colon Django adds: screen readers and tests read the label alone."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ActivationStartForm(Form):
    login = forms.CharField(label="Identifiant", max_length=80, widget=forms.TextInput(
        attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}))
    code = forms.CharField(
        label="Code d'activation", max_length=40,
        help_text="Le code imprimé sur votre fiche de connexion, par exemple ABCDE-FGH23.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                      "autocapitalize": "characters", "spellcheck": "false"}))


class ActivationFinishForm(Form):
    password1 = forms.CharField(
        label="Mot de passe", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password",
                                          "data-strength": "password-strength"}))
    password2 = forms.CharField(
        label="Confirmez le mot de passe", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    email = forms.EmailField(
        label="Adresse électronique (facultative)", required=False,
        help_text="Pour recevoir les notifications et retrouver votre mot de passe ; un lien "
                  "de confirmation vous sera envoyé.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def __init__(self, *args, person, chartes, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["password1"].help_text = " ".join(
            password_validation.password_validators_help_texts())
        if chartes:
            self.fields["accept_charte"] = forms.BooleanField(
                label="J'ai lu et j'accepte la charte d'usage", required=True,
                error_messages={"required": "Vous devez accepter la charte d'usage pour "
                                            "activer votre compte."})

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        if first:
            try:
                password_validation.validate_password(first, self.person)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class LetterForm(Form):
    audience = forms.ChoiceField(label="Destinataires", choices=Audience.CHOICES)
    division = forms.ChoiceField(label="Division", required=False)
    per_page = forms.TypedChoiceField(label="Mise en page", coerce=int,
                                      choices=list(LAYOUTS.items()), initial=1)
    only_not_activated = forms.BooleanField(
        label="Seulement les comptes non encore activés", required=False, initial=True)
    channel = forms.ChoiceField(
        label="Envoi", choices=LetterBatch.Channel.choices, initial=LetterBatch.Channel.PDF,
        help_text="Le courriel n'est possible que pour les personnels dont l'adresse est connue.")
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, divisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = [("", "Toutes les divisions")] + [
            (str(d.pk), d.code) for d in divisions]
        self.divisions = {str(d.pk): d for d in divisions}

    def clean(self):
        data = super().clean()
        audience = data.get("audience")
        data["division_obj"] = self.divisions.get(data.get("division") or "")
        if data["division_obj"] is not None and audience not in (
                Audience.ELEVES, Audience.PARENTS, Audience.FAMILLES):
            data["division_obj"] = None
        if (data.get("channel") == LetterBatch.Channel.EMAIL
                and audience not in (Audience.ENSEIGNANTS, Audience.PERSONNELS)):
            self.add_error("channel", "L'envoi par courriel est réservé aux enseignants et "
                                      "aux personnels.")
        return data


class RelanceForm(Form):
    """A « relance » from the activation board: who, and whether it was confirmed."""

    audience = forms.ChoiceField(choices=Audience.CHOICES)
    division = forms.IntegerField(required=False, min_value=1)
    confirm = forms.BooleanField(required=False)


class AccountSettingsForm(Form):
    charte = forms.CharField(
        label="Charte d'usage", required=False, widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Texte présenté à chaque personne lors de l'activation de son compte ; "
                  "une ligne vide sépare les paragraphes.")
    vie_scolaire_reissues_codes = forms.BooleanField(
        label="La vie scolaire peut remettre un nouveau code d'activation", required=False)
