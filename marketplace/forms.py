from decimal import Decimal

from django import forms

from inventory.models import InventorySettings
from marketplace.models import Service
from shops.models import Shop

PRICE_NOT_POSITIVE = "Enter a price above zero."
MIN_NOT_BELOW_MAX = "The minimum price must be below the maximum price."
NOTE_LIMIT_TOO_SMALL = "The condition note limit must be at least 1 character."


def price_field_choices(shop: Shop) -> list[tuple[str, str]]:
    """The price fields, named as the shop names them in its inventory."""
    labels = InventorySettings.objects.for_shop(shop).first() or InventorySettings()
    return [
        (Service.PriceField.PRICE, labels.price_label),
        (Service.PriceField.PRICE2, labels.price2_label),
        (Service.PriceField.PRICE3, labels.price3_label),
    ]


class ServiceAddForm(forms.Form):
    marketplace = forms.ChoiceField(label="Marketplace")

    def __init__(self, *args, shop: Shop, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        taken = set(
            Service.objects.for_shop(shop).values_list("marketplace", flat=True)
        )
        self.fields["marketplace"].choices = [
            (value, label)
            for value, label in Service._meta.get_field("marketplace").choices
            if value not in taken
        ]


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = Service.EDITABLE_FIELDS
        labels = {"is_active": "Active", "price_field": "Price to send"}
        help_texts = {
            "is_active": "Only active services receive uploads.",
            "min_price": "Records priced below this are not sent.",
            "max_price": "Records priced above this are not sent.",
        }

    def __init__(self, *args, shop: Shop, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["price_field"].choices = price_field_choices(shop)

    def _clean_price(self, name: str) -> Decimal | None:
        price = self.cleaned_data.get(name)
        if price is not None and price <= 0:
            raise forms.ValidationError(PRICE_NOT_POSITIVE)
        return price

    def clean_min_price(self) -> Decimal | None:
        return self._clean_price("min_price")

    def clean_max_price(self) -> Decimal | None:
        return self._clean_price("max_price")

    def clean_note_limit(self) -> int | None:
        limit = self.cleaned_data.get("note_limit")
        if limit is not None and limit < 1:
            raise forms.ValidationError(NOTE_LIMIT_TOO_SMALL)
        return limit

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low >= high:
            self.add_error("min_price", MIN_NOT_BELOW_MAX)
        return cleaned
