from django.conf import settings


def portal(request):
    return {"site_name": settings.ENT_SITE_NAME,
            "session_remember_days": settings.ENT_SESSION_REMEMBER_DAYS}


def navigation(request):
    """The header's menu, computed only when a page renders it (not for redirects or errors
    that leave it out) and once per page."""
    from django.utils.functional import SimpleLazyObject

    from .services_catalog import nav_for

    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {"nav": []}
    return {"nav": SimpleLazyObject(lambda: nav_for(user, request.path))}
