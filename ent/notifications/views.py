from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ent.french import count_label

from . import selectors, services
from .forms import PreferencesForm

PAGE_SIZE = 20


@login_required
def notification_list(request):
    paginator = Paginator(selectors.notification_list(viewer=request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {
        "page": page, "notifications": page.object_list,
        "crumbs": [("Notifications", None)],
    })


@require_POST
@login_required
def notification_open(request, pk):
    """Marks it read, then goes to what it is about (a page of the portal only)."""
    notification = services.notification_mark_read(viewer=request.user, pk=pk)
    if request.POST.get("ouvrir") and notification.url and url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()},
            require_https=request.is_secure()):
        return redirect(notification.url)
    return redirect(_back(request))


@require_POST
@login_required
def notifications_read_all(request):
    done = services.notifications_mark_all_read(viewer=request.user)
    if done:
        told = count_label(done, "notification marquée comme lue",
                           "notifications marquées comme lues")
        messages.success(request, f"{told}.")
    return redirect(_back(request))


def _back(request):
    """The list again, on the page the form was sent from."""
    page = request.POST.get("page", "")
    if page.isdigit() and page != "1":
        return f"{reverse('notifications:list')}?page={page}"
    return reverse("notifications:list")


@login_required
def notification_preferences(request):
    modes, quiet = selectors.preferences_of(person=request.user)
    kinds = selectors.kinds_offered(person=request.user)
    form = PreferencesForm(request.POST or None, kinds=kinds, modes=modes, quiet=quiet)
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_update(
            person=request.user, email_modes=form.email_modes(), quiet=form.quiet())
        messages.success(request, "Vos préférences de notification sont enregistrées.")
        return redirect("notifications:preferences")
    has_address = bool(selectors.email_addresses(person_ids=[request.user.pk]))
    return render(request, "notifications/preferences.html", {
        "form": form, "has_address": has_address,
        "crumbs": [("Notifications", reverse("notifications:list")),
                   ("Préférences", None)],
    })
