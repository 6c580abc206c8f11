from django import forms

from marketplace.models import Service
from reconcile.models import SnapshotItem, UploadSchedule
from shops.models import Shop

TIME_NEEDED = "Choose the time of day the upload runs."
HOURS_RANGE = "Choose between 1 and 168 hours (a week)."

# The lists of a check, as the page and its downloads name them.
LISTS = (
    SnapshotItem.Kind.MISSING.value,
    SnapshotItem.Kind.EXTRA.value,
    SnapshotItem.Kind.MISMATCHED.value,
    "identifiable",
)


class SetForUploadForm(forms.Form):
    list = forms.ChoiceField(
        choices=[
            (SnapshotItem.Kind.MISSING.value, "missing"),
            (SnapshotItem.Kind.MISMATCHED.value, "mismatched"),
        ]
    )


class ReplaceForm(forms.Form):
    allow_new_pages = forms.BooleanField(
        label="Amazon may create new product pages for the records without an "
        "ASIN or ISBN",
        required=False,
    )


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = UploadSchedule
        fields = ["service", "kind", "every_hours", "at_time", "enabled"]
        labels = {
            "service": "Upload to",
            "kind": "When",
            "every_hours": "Every (hours)",
            "at_time": "At (time of day)",
            "enabled": "Enabled",
        }
        widgets = {"at_time": forms.TimeInput(attrs={"type": "time"})}

    def __init__(self, *args, shop: Shop, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.shop = shop
        self.fields["service"] = forms.ModelChoiceField(
            label="Upload to",
            queryset=Service.objects.for_shop(shop).order_by("marketplace"),
            to_field_name="public_id",
            required=False,
            empty_label="Every active service",
        )

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        if kind == UploadSchedule.Kind.DAILY and not data.get("at_time"):
            self.add_error("at_time", TIME_NEEDED)
        hours = data.get("every_hours")
        if kind == UploadSchedule.Kind.INTERVAL and not (hours and 1 <= hours <= 168):
            self.add_error("every_hours", HOURS_RANGE)
        return data
