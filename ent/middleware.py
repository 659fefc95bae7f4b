"""Request-wide checks that must not wait for a view."""

from django.contrib import messages
from django.contrib.auth import SESSION_KEY, get_user_model, logout
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from annuaire.blocking import login_refusal
from ent.errors import NotFound


class LoginBlockMiddleware:
    """End at once the session of a person suspended, deactivated or blocked.

    Each authenticated request asks ``login_refusal``: the person's own row is already loaded,
    and the blocks come from the cache (no query while none is running). A suspended or
    deactivated account is no longer active, so Django's backend drops it before this runs:
    a session still naming a user then gets one look-up, to say why.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        refusal = (login_refusal(person=user) if user.is_authenticated
                   else self._dropped_account(request))
        if refusal:
            return self._end_session(request, refusal)
        return self.get_response(request)

    @staticmethod
    def _dropped_account(request):
        session = getattr(request, "session", None)
        user_id = session.get(SESSION_KEY) if session is not None else None
        if user_id is None:
            return None
        person = get_user_model().objects.filter(pk=user_id).only(
            "pk", "deactivated_at", "suspended_at", "is_active").first()
        if person is None:
            return None
        if person.deactivated_at or person.suspended_at:
            return login_refusal(person=person)
        return None

    @staticmethod
    def _end_session(request, refusal):
        logout(request)
        messages.error(request, refusal)
        url = reverse("account_login")
        if request.headers.get("HX-Request"):
            return HttpResponse(status=200, headers={"HX-Redirect": url})
        return redirect(url)


class PersonalPagesNoStoreMiddleware:
    """Every page answered to a signed-in person holds personal data (names, classes,
    timetables, absences): no browser or proxy cache keeps it (``Cache-Control: no-store``),
    so the back button of a shared computer after logout shows nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class NulCharacterMiddleware:
    """A NUL character (``%00``) in the address or in a query parameter is refused with a
    French 400 page before any view: no search, code or identifier contains one, and
    PostgreSQL refuses it in a query, which answered 500."""

    MESSAGE = ("L'adresse demandée contient un caractère nul (%00), qui n'a sa place ni dans "
               "une adresse ni dans une recherche : corrigez-la et recommencez.")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
                "\x00" in key or any("\x00" in value for value in values)
                for key, values in request.GET.lists()):
            return render(request, "400.html", {"message": self.MESSAGE}, status=400)
        return self.get_response(request)


class NotFoundMiddleware:
    """The one place where ``ent.errors.NotFound``, raised by a selector or a service for an
    object missing or outside the viewer's reach, becomes the 404 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            raise Http404(str(exception)) from exception
        return None
