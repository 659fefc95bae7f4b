"""Pure parsers of timetable exports (EDT/PRONOTE, UDT, STS-web): they read files and yield
the records of ``records.py``; nothing here touches the database."""

from django.conf import settings

MAX_BYTES = 200 * 1024 * 1024


def max_file_bytes():
    return getattr(settings, "ENT_TIMETABLE_MAX_FILE_BYTES", MAX_BYTES)


def records_of(upload, *, uai=""):
    """The records of a classified upload (``detect.Upload``), Header first."""
    max_bytes = max_file_bytes()
    if upload.source == "edt":
        from .edt import parse_edt

        return parse_edt(upload.parts["edt"], file_name=upload.names["edt"],
                         partner_name=getattr(settings, "ENT_EDT_PARTNER_NAME", ""),
                         private_key=_private_key(), max_bytes=max_bytes)
    if upload.source == "udt":
        from .udt import parse_udt

        return parse_udt(upload.parts["udt"], max_bytes=max_bytes, name=upload.names["udt"],
                         uai=uai)
    from .sts import parse_sts

    names = [upload.names["sts_emp"], upload.names.get("emp_sts", "")]
    return parse_sts(upload.parts["sts_emp"], upload.parts.get("emp_sts"), max_bytes=max_bytes,
                     names=names)


def _private_key():
    path = getattr(settings, "ENT_EDT_PRIVATE_KEY_PATH", "")
    if not path:
        return None
    with open(path, "rb") as handle:
        return handle.read()
