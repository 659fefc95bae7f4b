import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import SAMPLES
from tests.samples import samples_missing

EDT = SAMPLES / "service-cahiertextes" / "Edt_To_LaclasseCom_0134567A_Enclair.xml"


@pytest.fixture
def college(world, in_sample_year):
    """The ``world`` whose collège A is the establishment of the real EDT sample, on a day
    of the sample's school year."""
    if not EDT.exists():
        samples_missing("l'échantillon EDT (../shared/samples/service-cahiertextes) est absent")
    world.etab_a.uai = "0134567A"
    world.etab_a.save(update_fields=["uai"])
    return world


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a request and the tasks it queues on commit (Celery is eager in tests)."""

    def _run(method, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return method(*args, **kwargs)

    return _run


def edt_file(path=EDT, name=None, data=None):
    return SimpleUploadedFile(name or path.name, data if data is not None else path.read_bytes(),
                              content_type="application/xml")


@pytest.fixture
def upload(run):
    def _upload(client, etab, *files):
        return run(client.post, reverse("imports:etab", args=[etab.pk]),
                   {"files": list(files) or [edt_file()]})

    return _upload
