import io

import pytest
from pypdf import PdfReader


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_pages(data):
    return len(PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def letters_dir(settings, tmp_path):
    settings.ENT_LETTERS_DIR = tmp_path / "letters"
    return settings.ENT_LETTERS_DIR
