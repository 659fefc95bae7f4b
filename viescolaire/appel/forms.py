"""The roll call's form (one set of fields per pupil, read without Django forms: their number
follows the class) and the absences' forms."""

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone

from ent.french import french_size

from .marks import MarkData
from .models import Absence

FIELD_PREFIXES = ("absent", "retard", "arrivee", "depart", "dispense", "exclu",
                  "exclusion_motif", "observation")


def _time(value):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.time.fromisoformat(value[:5])
    except ValueError:
        return False


def mark_from_post(post, pupil, now):
    """One pupil's mark from the posted fields; returns (mark, error in French or None)."""
    pk = pupil.pk
    name = pupil.display_name
    arrivee = _time(post.get(f"arrivee-{pk}"))
    depart = _time(post.get(f"depart-{pk}"))
    if arrivee is False or depart is False:
        return None, f"{name} : l'heure saisie n'est pas une heure valide (hh:mm)."
    retard = post.get(f"retard-{pk}") == "1"
    if retard and arrivee is None:
        arrivee = timezone.localtime(now).time().replace(second=0, microsecond=0)
    exclu = post.get(f"exclu-{pk}") == "1"
    motif = post.get(f"exclusion_motif-{pk}", "").strip()[:200]
    if exclu and not motif:
        return None, f"{name} : le motif de l'exclusion de cours est obligatoire."
    mark = MarkData(
        absent=post.get(f"absent-{pk}") == "1",
        retard=retard, arrivee=arrivee if retard else None, depart=depart,
        dispense=post.get(f"dispense-{pk}") == "1", exclu=exclu,
        exclusion_motif=motif if exclu else "",
        observation=post.get(f"observation-{pk}", "").strip()[:300])
    if mark.absent and (mark.retard or mark.exclu):
        return None, f"{name} : un élève absent ne peut pas être en retard ni exclu."
    return mark, None


def marks_from_post(post, pupils, now):
    marks, errors = {}, []
    for pupil in pupils:
        mark, error = mark_from_post(post, pupil, now)
        if error:
            errors.append(error)
        else:
            marks[pupil.pk] = mark
    return marks, errors


def version_from_post(post):
    try:
        return int(post.get("version", ""))
    except ValueError:
        return -1


# --- Attachments ----------------------------------------------------------------------------
# The first bytes of the file types a family may send: the name and the browser's word are
# not trusted.
SIGNATURES = ((b"%PDF-", "PDF"), (b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"))


def _sniff(upload):
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, label in SIGNATURES:
        if head.startswith(magic):
            return label
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    return None


class MotifChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class JustifyForm(forms.Form):
    motif = MotifChoiceField(queryset=None, label="Motif", empty_label="Choisir un motif")
    comment = forms.CharField(label="Commentaire", required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(
        label="Justificatif (facultatif)", required=False,
        help_text="PDF ou image (JPEG, PNG, WebP), "
                  f"{french_size(settings.ENT_APPEL_ATTACHMENT_MAX_BYTES)} au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.webp"}))

    def __init__(self, *args, motifs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motif"].queryset = motifs

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        limit = settings.ENT_APPEL_ATTACHMENT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"Le fichier « {upload.name} » est trop volumineux ({french_size(upload.size)}) : "
                f"la limite est de {french_size(limit)}. Rien n'a été enregistré.")
        if _sniff(upload) is None:
            raise forms.ValidationError(
                f"Le fichier « {upload.name} » n'est ni un PDF ni une image (JPEG, PNG, WebP). "
                "Rien n'a été enregistré.")
        return upload


class PeriodForm(forms.Form):
    """A period: a first and a last day, with hours (the whole day by default)."""

    start_date = forms.DateField(label="Du", widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label="à partir de", required=False,
                                 widget=forms.TimeInput(attrs={"type": "time"}),
                                 help_text="Vide : dès le début de la journée.")
    end_date = forms.DateField(label="Au", widget=forms.DateInput(attrs={"type": "date"}))
    end_time = forms.TimeField(label="jusqu'à", required=False,
                               widget=forms.TimeInput(attrs={"type": "time"}),
                               help_text="Vide : jusqu'à la fin de la journée.")
    motif = MotifChoiceField(queryset=None, label="Motif", required=False,
                             empty_label="Sans motif")
    comment = forms.CharField(label="Commentaire", required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, motifs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motif"].queryset = motifs

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(data["start_date"], data.get("start_time") or dt.time(0),
                                    tzinfo=tz)
        end_time = data.get("end_time")
        end = dt.datetime.combine(data["end_date"], end_time, tzinfo=tz) if end_time else \
            dt.datetime.combine(data["end_date"] + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
        if end <= start:
            raise forms.ValidationError("La fin de la période doit être après son début.")
        if end - start > dt.timedelta(days=120):
            raise forms.ValidationError("Une période d'absence ne peut dépasser 120 jours.")
        data["start"], data["end"] = start, end
        return data


class DeclareForm(PeriodForm):
    """A legal guardian's absence declared in advance: a motive is required."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motif"].required = True
        self.fields["motif"].empty_label = "Choisir un motif"


class EnterForm(PeriodForm):
    eleve = forms.ModelChoiceField(queryset=None, label="Élève", empty_label="Choisir un élève")
    state = forms.ChoiceField(label="État", choices=[("", "Selon le motif")]
                              + list(Absence.State.choices), required=False)
    field_order = ["eleve", "start_date", "start_time", "end_date", "end_time", "motif",
                   "state", "comment"]

    def __init__(self, *args, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eleve"].queryset = pupils
        self.fields["eleve"].label_from_instance = lambda p: p.display_name


class DecideForm(forms.Form):
    state = forms.ChoiceField(label="État", choices=Absence.State.choices)
    motif = MotifChoiceField(queryset=None, label="Motif", required=False,
                             empty_label="Sans motif")
    comment = forms.CharField(label="Commentaire de la vie scolaire", required=False,
                              max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, motifs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motif"].queryset = motifs
