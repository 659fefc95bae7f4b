from django.conf import settings


def portal(request):
    return {"site_name": settings.ENT_SITE_NAME,
            "session_remember_days": settings.ENT_SESSION_REMEMBER_DAYS}
