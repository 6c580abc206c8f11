from django import forms
from django.template.defaultfilters import filesizeformat

from inventory.models import ImportJob
from inventory.transfer.reading import FileRejected
from inventory.transfer.services import import_file_check
from shops.models import Shop

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
FILE_TOO_LARGE = "The file is larger than {limit}. Split it, or use the command line."


class ImportForm(forms.Form):
    format = forms.ChoiceField(
        choices=ImportJob.Format.choices,
        initial=ImportJob.Format.CSV,
        help_text=(
            "CSV: a header line naming the columns (see the template). UIEE: "
            "CODE|value lines. Amazon listings report: the All Listings or Active "
            "Listings report, as Seller Central gives it."
        ),
    )
    file = forms.FileField(
        help_text="Records are matched by record number: existing ones are updated."
    )

    def __init__(self, *args, shop: Shop, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.shop = shop

    def clean(self) -> dict:
        cleaned = super().clean()
        upload = cleaned.get("file")
        format = cleaned.get("format")
        if upload is None or not format:
            return cleaned
        if upload.size > MAX_UPLOAD_BYTES:
            limit = filesizeformat(MAX_UPLOAD_BYTES)
            self.add_error("file", FILE_TOO_LARGE.format(limit=limit))
            return cleaned
        try:
            import_file_check(shop=self.shop, format=format, stream=upload)
        except FileRejected as rejection:
            self.add_error("file", str(rejection))
        return cleaned
