from django import forms

from ..forms import MultipleFileField, MultipleFileInput


class SiecleUploadForm(forms.Form):
    etablissement = forms.ModelChoiceField(
        label="Établissement", queryset=None, empty_label=None,
        help_text="Les fichiers doivent être ceux de cet établissement (UAJ).")
    files = MultipleFileField(
        label="Exports SIECLE et STS-web",
        help_text="ElevesSansAdresses.xml ou ElevesAvecAdresses.xml, "
                  "ResponsablesAvecAdresses.xml, Nomenclature.xml (de la même année) et "
                  "sts_emp_<UAI>_<ANNÉE>.xml, en XML ou dans leurs archives ExportXML_….zip.",
        widget=MultipleFileInput(attrs={"accept": ".xml,.zip,application/xml,application/zip"}),
    )

    def __init__(self, *args, etabs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["etablissement"].queryset = etabs
