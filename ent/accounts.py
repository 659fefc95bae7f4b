from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import LoginForm
from allauth.account.signals import password_reset
from django import forms
from django.contrib import messages
from django.dispatch import receiver
from django.shortcuts import redirect

from annuaire.blocking import login_refusal

from . import login_limits
from .account_pages import PortalPagesAdapterMixin
from .client_ip import client_ip


class PortalAccountAdapter(PortalPagesAdapterMixin, DefaultAccountAdapter):
    """Accounts come from the directory feed: nobody signs up."""

    def is_open_for_signup(self, request):
        return False

    def get_client_ip(self, request):
        # allauth's own limits (password reset) count the same address as ours.
        return client_ip(request) or "inconnue"

    def authenticate(self, request, **credentials):
        """Failed logins are limited by ``ent.login_limits`` (allauth's ``login_failed``
        limit is off): per account and address, per account, per address, per device."""
        login = credentials.get("username") or ""
        try:
            attempt = login_limits.attempt_begin(request=request, login=login)
        except login_limits.LoginDelayed as exc:
            raise forms.ValidationError(exc.message, code="too_many_login_attempts") from None
        user = super().authenticate(request, **credentials)
        if user is None:
            login_limits.attempt_failed(attempt=attempt)
        else:
            login_limits.attempt_succeeded(attempt=attempt)
        return user

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        if response is not None:
            login_limits.device_trust(request=request, response=response, login=user.login)
        return response

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


@receiver(password_reset)
def _failures_forget_after_reset(sender, request, user, **kwargs):
    """The reset link proved the owner: their account's delay ends (ent.login_limits)."""
    login_limits.account_forget(login=user.login)
