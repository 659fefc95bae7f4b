"""Attachments: stored outside the web root, bounded per file and per teacher; a refusal says
why in French and keeps what the teacher typed."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from viescolaire.cahier import services
from viescolaire.cahier.models import Contenu, Devoir, PieceJointe


def test_files_are_stored_in_the_private_folder(world, timetable, settings, login,
                                                django_capture_on_commit_callbacks):
    client = login(world.teacher_a)
    response = client.post(reverse("cahier:seance", args=[timetable.maths_monday.pk]), {
        "title": "TP", "body": "Voir la fiche", "publish": "maintenant",
        "fichiers": [SimpleUploadedFile("../../etc/fiche TP.pdf", b"%PDF fiche"),
                     SimpleUploadedFile("photo.jpg", b"jpeg")]})
    assert response.status_code == 302
    pieces = list(PieceJointe.objects.order_by("pk"))
    assert [p.name for p in pieces] == ["fiche TP.pdf", "photo.jpg"]
    for piece in pieces:
        path = services.piece_path(piece)
        assert path.is_file() and str(path).startswith(str(settings.ENT_CAHIER_FILES_DIR))
        assert not str(path).startswith(str(settings.MEDIA_ROOT))
    page = client.get(reverse("cahier:seance", args=[timetable.maths_monday.pk]))
    assert "fiche TP.pdf" in page.content.decode()
    # The teacher removes one: its file goes too.
    gone = services.piece_path(pieces[0])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cahier:piece_delete", args=[pieces[0].pk]))
    assert not gone.exists() and PieceJointe.objects.count() == 1
    # No one else removes the other.
    assert login(world.pupil_a).post(
        reverse("cahier:piece_delete", args=[pieces[1].pk])).status_code == 404


def test_a_file_too_large_is_refused_and_the_text_kept(world, timetable, settings, login):
    settings.ENT_CAHIER_MAX_FILE_BYTES = 1000
    client = login(world.teacher_a)
    response = client.post(reverse("cahier:seance", args=[timetable.maths_monday.pk]), {
        "title": "Mon titre tapé", "body": "Un long texte tapé sur le téléphone",
        "publish": "maintenant",
        "fichiers": [SimpleUploadedFile("gros.pdf", b"x" * 2000)]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Le fichier « gros.pdf » pèse" in html and "par fichier" in html
    assert "Votre texte n&#x27;a pas été perdu" in html
    assert "Un long texte tapé sur le téléphone" in html and "Mon titre tapé" in html
    assert not Contenu.objects.exists() and not PieceJointe.objects.exists()


def test_the_quota_is_per_teacher(world, timetable, types, settings, login):
    settings.ENT_CAHIER_QUOTA_BYTES = 3000
    contenu = services.contenu_save(seance=timetable.maths_monday, acting_user=world.teacher_a,
                                    title="", body="x", publish="maintenant")
    services.pieces_add(owner=world.teacher_a, contenu=contenu,
                        uploads=[SimpleUploadedFile("a.pdf", b"x" * 2500)])
    client = login(world.teacher_a)
    response = client.post(reverse("cahier:devoir_add", args=[timetable.maths_monday.pk]), {
        "devoir-type": types["Exercices"].pk, "devoir-due": timetable.maths_thursday.pk,
        "devoir-description": "Consigne tapée", "devoir-publish": "maintenant",
        "fichiers": [SimpleUploadedFile("b.pdf", b"x" * 1000)]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Votre espace de pièces jointes est plein" in html
    assert "Consigne tapée" in html
    assert not Devoir.objects.exists()
    # Another teacher's quota is their own.
    services.pieces_check(owner=world.teacher_a2,
                          uploads=[SimpleUploadedFile("c.pdf", b"x" * 2900)])


def test_a_file_name_carrying_markup_is_shown_as_text(world, cahier, login):
    services.pieces_add(owner=world.teacher_a, devoir=cahier.devoir, uploads=[
        SimpleUploadedFile("<img src=x onerror=alert(1)>.pdf", b"x")])
    page = login(world.pupil_a).get(reverse("cahier:travail"), {"semaine": "2025-09-15"})
    html = page.content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in html
