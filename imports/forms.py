from django import forms

from annuaire.forms import MultipleFileField, MultipleFileInput


class TimetableUploadForm(forms.Form):
    files = MultipleFileField(
        label="Fichiers d'emploi du temps",
        help_text="Export EDT / PRONOTE (XML, en clair ou chiffré), UnDeuxTemps (zip) ou "
                  "STS-web (les deux fichiers XML de l'établissement).",
        widget=MultipleFileInput(attrs={"accept": ".xml,.zip,application/xml,application/zip",
                                        "aria-describedby": "files-help"}),
    )


def rapprochement_choices(data):
    """The rows of the rapprochements form that carry a choice: (kind, key, label, target)."""
    chosen = []
    for name, target in data.items():
        if not name.startswith("target-") or not target:
            continue
        n = name.removeprefix("target-")
        kind, key = data.get(f"kind-{n}", ""), data.get(f"key-{n}", "")
        if kind and key:
            chosen.append((kind, key, data.get(f"label-{n}", key), target))
    return chosen
