from django import forms

from .kinds import EmailMode
from .quiet import QuietHours


class PreferencesForm(forms.Form):
    quiet_hours = forms.BooleanField(
        label="Pause numérique le soir et la nuit", required=False,
        help_text="Aucun courriel pendant ces heures : ils partent à la fin de la pause.")
    quiet_start = forms.TimeField(label="Début de la pause", widget=forms.TimeInput(
        attrs={"type": "time"}, format="%H:%M"))
    quiet_end = forms.TimeField(label="Fin de la pause", widget=forms.TimeInput(
        attrs={"type": "time"}, format="%H:%M"))
    quiet_weekends = forms.BooleanField(label="Pause numérique le samedi et le dimanche",
                                        required=False)

    def __init__(self, data=None, *, kinds, modes, quiet, **kwargs):
        initial = {"quiet_hours": quiet.enabled, "quiet_start": quiet.start,
                   "quiet_end": quiet.end, "quiet_weekends": quiet.weekends}
        initial.update({f"kind_{code}": mode for code, mode in modes.items()})
        super().__init__(data, initial=initial, **kwargs)
        self.kinds = kinds
        for kind in kinds:
            self.fields[f"kind_{kind.code}"] = forms.ChoiceField(
                label=kind.label, choices=EmailMode.choices, widget=forms.RadioSelect)

    def kind_fields(self):
        return [self[f"kind_{kind.code}"] for kind in self.kinds]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("quiet_hours") and data.get("quiet_start") and (
                data["quiet_start"] == data.get("quiet_end")):
            self.add_error("quiet_end", "La fin de la pause doit différer de son début.")
        return data

    def email_modes(self):
        return {kind.code: self.cleaned_data[f"kind_{kind.code}"] for kind in self.kinds}

    def quiet(self):
        data = self.cleaned_data
        return QuietHours(enabled=data["quiet_hours"], start=data["quiet_start"],
                          end=data["quiet_end"], weekends=data["quiet_weekends"])
