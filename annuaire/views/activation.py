"""First connection: login + code, then password, charte and e-mail. No login required."""

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from annuaire.activation import selectors, services
from annuaire.activation.forms import ActivationFinishForm, ActivationStartForm
from annuaire.blocking import login_refusal
from ent import login_limits

SESSION_KEY = "activation"
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@never_cache
@sensitive_post_parameters("code")
def activation_start(request):
    form = ActivationStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        login = form.cleaned_data["login"].strip().lower()
        # A wrong code counts as a wrong password, in the same counts.
        try:
            attempt = login_limits.attempt_begin(request=request, login=login)
        except login_limits.LoginDelayed as exc:
            form.add_error(None, exc.message)
        else:
            try:
                person = services.activation_check(login=login, code=form.cleaned_data["code"])
            except services.ActivationError as exc:
                login_limits.attempt_failed(attempt=attempt)
                form.add_error(None, str(exc))
            else:
                login_limits.attempt_succeeded(attempt=attempt)
                # The code proves who they are: they may read why logins are closed.
                refusal = login_refusal(person=person)
                if refusal:
                    form.add_error(None, refusal)
                else:
                    request.session[SESSION_KEY] = {
                        "pk": person.pk, "digest": person.activation_code.digest}
                    return redirect("activation_finish")
    return render(request, "annuaire/activation/start.html", {"form": form})


@never_cache
@sensitive_post_parameters("password1", "password2")
def activation_finish(request):
    pending = request.session.get(SESSION_KEY)
    person = pending and selectors.activation_person_get(pk=pending["pk"])
    if not person:
        messages.info(request, "Saisissez d'abord votre identifiant et votre code d'activation.")
        return redirect("activation_start")
    chartes = services.chartes_for(person=person)
    form = ActivationFinishForm(request.POST or None, person=person, chartes=chartes)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_activate(
                person=person, digest=pending["digest"],
                password=form.cleaned_data["password1"], email=form.cleaned_data["email"],
                request=request)
        except services.ActivationError as exc:
            request.session.pop(SESSION_KEY, None)
            messages.error(request, str(exc))
            return redirect("activation_start")
        except ValidationError as exc:
            form.add_error("password1", exc)
        else:
            request.session.pop(SESSION_KEY, None)
            person.refresh_from_db()
            auth_login(request, person, backend=BACKEND)
            text = "Votre compte est activé. Bienvenue sur l'ENT !"
            if form.cleaned_data["email"]:
                text += (" Un lien de confirmation a été envoyé à "
                         f"{form.cleaned_data['email']}.")
            messages.success(request, text)
            response = redirect("home")
            login_limits.device_trust(request=request, response=response, login=person.login)
            return response
    return render(request, "annuaire/activation/finish.html", {
        "form": form, "person": person, "chartes": chartes})
