import io
import zipfile

import pytest

from imports.parsers.detect import upload_classify
from imports.parsers.records import TimetableFileError

EDT = (b'<?xml version="1.0"?><ExportEmploiDuTemps '
       b'xmlns="http://www.index-education.com/exportemploidutemps" UAI="0690001A"/>')
STS = b'<?xml version="1.0" encoding="ISO-8859-15"?><STS_EDT/>'
EMP = b'<?xml version="1.0" encoding="ISO-8859-15"?><EDT_STS/>'


def _zip(**members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_roots_decide_whatever_the_names():
    assert upload_classify([("x.xml", EDT)]).source == "edt"
    pair = upload_classify([("a.xml", EMP), ("b.xml", STS)])
    assert pair.source == "sts" and set(pair.parts) == {"sts_emp", "emp_sts"}
    assert upload_classify([("edt.zip", _zip(**{"UDCal_00.xml": b"<a/>"}))]).source == "udt"
    assert upload_classify([("sts.zip", _zip(**{"s.xml": STS, "e.xml": EMP}))]).source == "sts"


@pytest.mark.parametrize("files, message", [
    ([("emp_sts.xml", EMP)], "doit être accompagné de son sts_emp"),
    ([("x.xml", b"<Autre/>")], "racine « Autre » inconnu"),
    ([("x.xml", b"pas du XML")], "pas un fichier XML"),
    ([("x.zip", _zip(readme=b"texte"))], "aucun fichier XML"),
    ([("a.xml", EDT), ("b.xml", STS)], "plusieurs logiciels"),
    ([("a.xml", STS), ("b.xml", STS)], "deux fichiers du même type"),
    ([("x.xml", b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>')], "DTD refusée"),
])
def test_bad_uploads_say_what_is_wrong(files, message):
    with pytest.raises(TimetableFileError, match=message) as exc:
        upload_classify(files)
    assert exc.value.file or "plusieurs" in str(exc.value)


def test_a_zipped_file_too_large_once_unpacked_is_refused_before_unpacking():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("s.xml", STS + b" " * 3_000_000)
    assert len(bomb.getvalue()) < 100_000
    with pytest.raises(TimetableFileError, match="trop volumineux une fois décompressé") as exc:
        upload_classify([("sts.zip", bomb.getvalue())], max_bytes=1_000_000)
    assert exc.value.file == "sts.zip/s.xml"
