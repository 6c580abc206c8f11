from datetime import date, datetime, time, timedelta
from pathlib import Path

from django import forms
from django.conf import settings
from django.utils import timezone

from marketplace.models import Service
from shops.models import Shop
from uploads.models import UploadFeed, UploadRun

DATES_REVERSED = "The first date is after the last."
FEED_FILE_GONE = "The file of this feed is no longer kept; start a new upload."


def uploadable_services(shop: Shop):
    """The services "Process and upload" sends to: active and registered."""
    return (
        Service.objects.for_shop(shop)
        .filter(is_active=True)
        .exclude(selling_partner_id="")
        .exclude(refresh_token_encrypted="")
    )


class UploadForm(forms.Form):
    all_inventory = forms.BooleanField(
        label="All online inventory",
        required=False,
        help_text="Send every record listed on the service, not only those set "
        "for upload.",
    )
    upload_images = forms.BooleanField(
        label="Upload image URLs",
        required=False,
        help_text="Services set to send image URLs always send them.",
    )
    service = forms.ModelChoiceField(
        queryset=Service.objects.none(),
        to_field_name="public_id",
        required=False,
        help_text="Only this service; every active one when empty.",
    )

    def __init__(self, *args, shop: Shop, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.shop = shop
        self.fields["service"].queryset = uploadable_services(shop)

    def services(self) -> list[Service]:
        chosen = self.cleaned_data["service"]
        return [chosen] if chosen else list(uploadable_services(self.shop))

    def images_choice(self) -> bool | None:
        """True forces image URLs; None leaves it to each service's setting."""
        return True if self.cleaned_data["upload_images"] else None


class ExportLogFilterForm(forms.Form):
    service = forms.ModelChoiceField(
        queryset=Service.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label="Every service",
    )
    state = forms.ChoiceField(
        label="Result",
        choices=[("", "Any result"), *UploadRun.State.choices],
        required=False,
    )
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, shop: Shop, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.for_shop(shop)

    def clean(self) -> dict:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(DATES_REVERSED)
        return data

    def filter(self, runs):
        """Narrow ``runs`` to the valid filters; dates are whole local days."""
        data = self.cleaned_data
        if data.get("service"):
            runs = runs.filter(service=data["service"])
        if data.get("state"):
            runs = runs.filter(state=data["state"])
        if data.get("since"):
            runs = runs.filter(created__gte=_start_of(data["since"]))
        if data.get("until"):
            runs = runs.filter(created__lt=_start_of(data["until"] + timedelta(1)))
        return runs


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class FeedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, feed: UploadFeed) -> str:
        noun = "record" if feed.record_count == 1 else "records"
        status = feed.get_status_display().lower()
        name = feed.path.rsplit("/", 1)[-1]
        return f"{name}: {feed.record_count} {noun} ({status})"


class ResendForm(forms.Form):
    feed = FeedChoiceField(
        label="File to send again",
        queryset=UploadFeed.objects.none(),
        to_field_name="public_id",
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, run: UploadRun, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        feeds = UploadFeed.objects.filter(run=run).order_by("sequence")
        self.fields["feed"].queryset = feeds
        unfinished = feeds.exclude(status=UploadFeed.Status.DONE).first()
        if unfinished is not None:
            self.fields["feed"].initial = unfinished.public_id

    def clean_feed(self) -> UploadFeed:
        feed = self.cleaned_data["feed"]
        if not (Path(settings.MEDIA_ROOT) / feed.path).is_file():
            raise forms.ValidationError(FEED_FILE_GONE)
        return feed
