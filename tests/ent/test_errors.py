"""One user-facing error base, and NotFound answered 404 in one place (the middleware)."""

import pytest
from django.urls import path

from annuaire import blocking, services
from annuaire.aaf.errors import AafFileError
from annuaire.activation import services as activation_services
from ent import login_limits, uploads
from ent.errors import ApplicationError, NotFound
from ent.notifications.selectors import NotificationNotFound
from ent.urls import urlpatterns as portal_urlpatterns
from imports import services as timetable_services
from imports.parsers.records import TimetableFileError
from viescolaire.selectors import TargetNotFound


def _not_found(request):
    raise NotFound("Établissement inconnu")


def _refused(request):
    raise ApplicationError("Ce n'est pas possible.")


# The portal's own addresses too: the 404 page links home.
urlpatterns = [path("introuvable/", _not_found), path("refuse/", _refused),
               *portal_urlpatterns]


def test_the_message_is_the_french_sentence_given_or_a_default():
    assert str(ApplicationError("Choisissez le profil à bloquer.")) == (
        "Choisissez le profil à bloquer.")
    assert ApplicationError("Motif manquant.").user_message == "Motif manquant."
    assert str(ApplicationError()) == "Cette action n'a pas pu être effectuée."
    assert str(NotFound()) == "Page introuvable."


@pytest.mark.parametrize("error", [
    services.ImportBusy, services.ImportStateError, services.LoginError,
    services.AccountStateError, blocking.BlockError, activation_services.ActivationError,
    timetable_services.ImportStateError, timetable_services.RapprochementError,
    uploads.UploadRefused, TimetableFileError, AafFileError, login_limits.LoginDelayed,
])
def test_the_user_facing_errors_share_the_base(error):
    assert issubclass(error, ApplicationError)


def test_the_files_errors_keep_their_place_in_the_message():
    error = TimetableFileError("balise inconnue", file="edt.xml", line=12)
    assert isinstance(error, ApplicationError)
    assert str(error) == "edt.xml, ligne 12 : balise inconnue"
    refused = uploads.UploadRefused("fichier trop gros", file="aaf.zip/eleves.xml")
    assert refused.user_message == "aaf.zip/eleves.xml : fichier trop gros"


@pytest.mark.parametrize("error", [NotificationNotFound, TargetNotFound])
def test_the_not_found_errors_of_the_apps_are_one(error):
    assert issubclass(error, NotFound)


@pytest.mark.urls(__name__)
def test_not_found_raised_by_a_view_answers_the_portal_404(client, db, settings):
    settings.DEBUG = False
    response = client.get("/introuvable/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html and '<html lang="fr">' in html


@pytest.mark.urls(__name__)
def test_other_application_errors_are_not_turned_into_404(client, db):
    # Only NotFound is mapped: a refusal the view forgot to show is a bug, not a missing page.
    with pytest.raises(ApplicationError):
        client.get("/refuse/")
