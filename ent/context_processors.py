from django.conf import settings


def portal(request):
    return {"site_name": settings.ENT_SITE_NAME}
