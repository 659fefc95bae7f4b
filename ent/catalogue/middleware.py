"""The one gate of the catalogue: a URL declared by a service answers 404 to a viewer whose
profiles do not have that service in any of their establishments."""

from django.views.defaults import page_not_found

from ent.errors import NotFound
from ent.rights.catalogue import has_service

from .registry import service_for_url_name


class ServiceGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        # Anonymous visitors go on to the view, whose login_required sends them to log in.
        if user is None or not user.is_authenticated:
            return None
        key = service_for_url_name(getattr(request.resolver_match, "view_name", None))
        if key is not None and not has_service(user, key):
            # Answered here: an exception of process_view would miss NotFoundMiddleware.
            return page_not_found(request, NotFound("Service non ouvert à votre profil."))
        return None
