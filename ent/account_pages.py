"""What the portal's own account pages and e-mails add to allauth's.

allauth names the site after the Sites framework or the request's host (« Bonjour, c'est
127.0.0.1:8000 ! »), says « pseudo » for the login, and leaves a password change on its own
page: the adapter mixin below names the portal (``ENT_SITE_NAME``), words the messages as
the activation pages do, and sends a changed password home. The forms label their fields
without Django's colon, show the password rules as one types (``static/js/password-strength.js``)
and ask for the current password before an address is added: that address could then reset
it (« Mot de passe oublié »).
"""

from types import SimpleNamespace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import (
    AddEmailForm,
    ChangePasswordForm,
    ReauthenticateForm,
    ResetPasswordKeyForm,
    SetPasswordForm,
)
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.urls import reverse


def portal_site():
    """What allauth's e-mails call ``current_site``: the portal's name and public host."""
    return SimpleNamespace(name=settings.ENT_SITE_NAME,
                           domain=urlsplit(settings.ENT_PUBLIC_URL).netloc)


if TYPE_CHECKING:
    # What the mixins below are mixed into, so that their ``super()`` calls are checked.
    from allauth.account.adapter import DefaultAccountAdapter as _AdapterBase
    from django.forms import Form as _FormBase
else:
    _AdapterBase = _FormBase = object


class PortalPagesAdapterMixin(_AdapterBase):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": "Identifiant ou mot de passe incorrect.",
        "enter_current_password": "Saisissez votre mot de passe actuel.",
        "incorrect_password": "Mot de passe incorrect.",
        "duplicate_email": "Cette adresse est déjà enregistrée sur votre compte.",
        "email_taken": "Cette adresse est déjà enregistrée sur un autre compte.",
        "cannot_remove_primary_email": "L'adresse principale ne peut pas être supprimée : "
                                       "choisissez d'abord une autre adresse principale.",
        "unverified_primary_email": "L'adresse principale doit être une adresse confirmée.",
        "invalid_password_reset": "Ce lien n'est plus valable : demandez-en un nouveau.",
        "rate_limited": "Trop de demandes en peu de temps : patientez quelques minutes.",
        "too_many_login_attempts": "Trop d'essais infructueux : patientez quelques minutes "
                                   "avant de réessayer.",
    }

    def format_email_subject(self, subject):
        return f"[{settings.ENT_SITE_NAME}] {subject}"

    def send_mail(self, template_prefix, email, context):
        context = {"site_name": settings.ENT_SITE_NAME, "current_site": portal_site(),
                   "portal_url": settings.ENT_PUBLIC_URL.rstrip("/"),
                   "reset_link_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
                   "confirmation_days": settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS,
                   **context}
        return super().send_mail(template_prefix, email, context)

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        # The notices name the account they are about.
        return super().send_notification_mail(template_prefix, user,
                                              {"user": user, **(context or {})}, email)

    def get_password_change_redirect_url(self, request):
        return reverse("home")


class _PortalForm(_FormBase):
    """Labels without Django's colon, as on the activation pages."""

    labels: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, label in self.labels.items():
            if name in self.fields:
                self.fields[name].label = label
                self.fields[name].widget.attrs.pop("placeholder", None)
        if "password1" in self.fields:
            # The same rules, shown the same way, as when the account was activated.
            self.fields["password1"].widget.attrs["data-strength"] = "password-strength"
            self.fields["password1"].help_text = " ".join(
                password_validation.password_validators_help_texts())
        for name in ("oldpassword", "password"):
            if name in self.fields:
                self.fields[name].help_text = ""

    def clean(self):
        data = super().clean()
        # allauth compares the two passwords only once the first passes every rule: a weak
        # password and a different confirmation took two round trips. Both at once, worded
        # as on the activation page.
        if "password2" in self.fields:
            first = self.data.get(self.add_prefix("password1"))
            second = self.data.get(self.add_prefix("password2"))
            if first and second and first != second:
                self.errors.pop("password2", None)
                self.add_error("password2", forms.ValidationError(
                    "Les deux mots de passe ne sont pas identiques.", code="password_mismatch"))
        return data


class PortalChangePasswordForm(_PortalForm, ChangePasswordForm):
    labels = {"oldpassword": "Mot de passe actuel", "password1": "Nouveau mot de passe",
              "password2": "Confirmez le nouveau mot de passe"}


class PortalSetPasswordForm(_PortalForm, SetPasswordForm):
    labels = {"password1": "Mot de passe", "password2": "Confirmez le mot de passe"}


class PortalResetPasswordKeyForm(_PortalForm, ResetPasswordKeyForm):
    labels = {"password1": "Nouveau mot de passe",
              "password2": "Confirmez le nouveau mot de passe"}


class PortalReauthenticateForm(_PortalForm, ReauthenticateForm):
    labels = {"password": "Mot de passe"}


class PortalAddEmailForm(_PortalForm, AddEmailForm):
    """An address is added only with the account's password: whoever finds a session left
    open could otherwise add their own address, confirm it, and reset the password."""

    labels = {"email": "Adresse électronique"}
    password = forms.CharField(
        label="Votre mot de passe actuel", strip=False,
        help_text="Demandé parce que cette adresse pourra servir à choisir un nouveau mot "
                  "de passe.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Mot de passe incorrect : l'adresse n'a pas été "
                                        "ajoutée.", code="incorrect_password")
        return password
