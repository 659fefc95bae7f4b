from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import LoginForm
from django import forms
from django.contrib import messages
from django.shortcuts import redirect

from annuaire.blocking import login_refusal


class PortalAccountAdapter(DefaultAccountAdapter):
    """Accounts come from the directory feed: nobody signs up."""

    def is_open_for_signup(self, request):
        return False

    def pre_login(self, request, user, **kwargs):
        # Any way into a session (not only the login form) meets the same refusal.
        refusal = login_refusal(person=user)
        if refusal:
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            messages.error(request, refusal)
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)


class PortalLoginForm(LoginForm):
    """Says why a login is refused (suspension, deactivation, a block) on the form itself.

    Only once the password is right: whoever does not know it learns nothing about the
    account, exactly as before (« identifiant ou mot de passe incorrect »).
    """

    def clean(self):
        cleaned_data = super().clean()
        if self.user is not None and not self.errors:
            refusal = login_refusal(person=self.user)
            if refusal:
                raise forms.ValidationError(refusal, code="login_refused")
        return cleaned_data
