from django import forms

from imports.choices import ImportKind

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label="Вид данных", choices=ImportKind.choices)
    file = forms.FileField(
        label="Файл", help_text="XLSX или CSV (UTF-8 или Windows-1251, «;» или «,»)."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("Нужен файл .xlsx или .csv.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Файл больше 20 МБ: разделите его на части.")
        return upload
