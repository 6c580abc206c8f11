from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from inventory.identifiers import isbn10, normalize_asin, normalize_isbn
from inventory.models import (
    CONDITION_FOR_GRADE,
    AmazonCondition,
    InventorySettings,
    Marketplace,
    Record,
)
from inventory.selectors import DEFAULT_SORT, SORT_KEYS, SORT_LABELS, Identifier
from inventory.services import PRICE_FIELDS, SKU_TAKEN
from inventory.validators import validate_sku
from shops.models import Shop

PERCENT_TOO_LOW = "A price cannot drop by 100% or more."
CHANGE_ZERO = "Give a change other than zero."

# The record form's tabs, in order, and the fields on each.
TABS: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "main",
        "Main",
        (
            "sku",
            "isbn",
            "asin",
            "author",
            "title",
            "subtitle",
            "illustrator",
            "publisher",
            "place",
            "pub_date",
            "edition",
            "printing",
            "binding",
            "book_type",
            "size",
            "language",
            "book_grade",
            "jacket_grade",
            "price",
            "price2",
            "price3",
            "cost",
            "quantity",
            "status",
            "location",
        ),
    ),
    ("description", "Description", ("description", "defects", "features", "item_note")),
    (
        "amazon",
        "Amazon",
        (
            "condition",
            "list_amazon_us",
            "list_amazon_ca",
            "list_amazon_uk",
            "expedited_shipping",
            "international_shipping",
        ),
    ),
    ("images", "Images", tuple(f"image_url_{n}" for n in range(1, 7))),
    ("keywords", "Keywords", ("keywords",)),
]
FORM_FIELDS = [name for _, _, names in TABS for name in names]


def _condition_help() -> str:
    pairs = ", ".join(
        f"{grade.label} → {AmazonCondition(condition).label}"
        for grade, condition in CONDITION_FOR_GRADE.items()
    )
    return f"Left blank, it follows the book grade: {pairs}."


def _formfield(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class RecordForm(forms.ModelForm):
    """A book record; the services do the saving and the cross-record rules."""

    class Meta:
        model = Record
        fields = FORM_FIELDS
        formfield_callback = _formfield
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "defects": forms.Textarea(attrs={"rows": 3}),
            "features": forms.Textarea(attrs={"rows": 3}),
            "item_note": forms.Textarea(attrs={"rows": 4}),
            "keywords": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(
        self, *args, shop: Shop, settings: InventorySettings, **kwargs
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.shop = shop
        self.fields["sku"].required = False
        self.fields["sku"].help_text = (
            "Amazon knows the listing by this number."
            if self.instance.pk
            else "Left blank, the next number is given."
        )
        # Typed ISBNs may carry hyphens; the stored form is checked on save.
        self.fields["isbn"].max_length = None
        self.fields["isbn"].validators = []
        self.fields["isbn"].widget.attrs.pop("maxlength", None)
        self.fields["isbn"].help_text = "ISBN-10 or ISBN-13; stored as ISBN-13."
        self.fields["asin"].help_text = "B0… or the book's ISBN-10."
        self.fields["price"].label = settings.price_label
        self.fields["price2"].label = settings.price2_label
        self.fields["price3"].label = settings.price3_label
        self.fields["condition"].help_text = _condition_help()
        self.fields["condition"].choices = [
            ("", "Follow the book grade"),
            *AmazonCondition.choices,
        ]

    def clean_sku(self) -> str:
        sku = self.cleaned_data["sku"].strip()
        if not sku:
            return ""
        validate_sku(sku)
        taken = Record.objects.for_shop(self.shop).filter(sku=sku)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(SKU_TAKEN.format(sku=sku))
        return sku

    def clean_isbn(self) -> str:
        return normalize_isbn(self.cleaned_data["isbn"])

    def clean_asin(self) -> str:
        return normalize_asin(self.cleaned_data["asin"])

    def isbn_forms(self) -> tuple[str, str | None] | None:
        """The ISBN-13 and ISBN-10 to show beside a valid ISBN field."""
        value = ""
        if self.is_bound and "isbn" in getattr(self, "cleaned_data", {}):
            value = self.cleaned_data["isbn"]
        elif not self.is_bound:
            value = self.instance.isbn
        return (value, isbn10(value)) if value else None

    def tabs(self) -> list[dict]:
        return [
            {
                "slug": slug,
                "label": label,
                "fields": [self[name] for name in names],
                "has_errors": any(self[name].errors for name in names),
            }
            for slug, label, names in TABS
        ]


class RecordFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search")
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *Record.Status.choices]
    )
    marketplace = forms.ChoiceField(
        required=False, choices=[("", "Any marketplace"), *Marketplace.choices]
    )
    identifier = forms.ChoiceField(
        required=False, choices=[("", "Any identifier"), *Identifier.choices]
    )
    pending = forms.BooleanField(required=False, label="Pending upload")
    error = forms.BooleanField(required=False, label="With an error")
    sort = forms.ChoiceField(
        required=False,
        initial=DEFAULT_SORT,
        choices=[
            choice
            for name in SORT_KEYS
            for choice in (
                (name, f"{SORT_LABELS[name]} ↑"),
                (f"-{name}", f"{SORT_LABELS[name]} ↓"),
            )
        ],
    )

    FILTER_FIELDS = ("q", "status", "marketplace", "identifier", "pending", "error")

    def filters(self) -> dict:
        """The cleaned filters, for ``selectors.records_matching``."""
        if not self.is_valid():
            return {}
        return {name: self.cleaned_data[name] for name in self.FILTER_FIELDS}

    def is_filtered(self) -> bool:
        return any(self.filters().values())


class BulkSelectionForm(RecordFilterForm):
    """The records a bulk action applies to: ticked ones or all that match."""

    class Action:
        UPLOAD = "upload"
        STATUS = "status"
        PRICE = "price"
        DELETE = "delete"

    ACTIONS = [
        (Action.UPLOAD, "Set for upload"),
        (Action.STATUS, "Change status…"),
        (Action.PRICE, "Change price…"),
        (Action.DELETE, "Delete…"),
    ]

    action = forms.ChoiceField(choices=ACTIONS)
    records = forms.TypedMultipleChoiceField(required=False, coerce=str)
    scope = forms.ChoiceField(
        required=False, choices=[("selected", "Selected"), ("all", "All matching")]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Any UUIDs may be ticked; the view keeps those of the shop.
        self.fields["records"].valid_value = lambda value: True

    @property
    def applies_to_all(self) -> bool:
        return self.cleaned_data.get("scope") == "all"


class StatusChangeForm(forms.Form):
    # Not "status": the selection's own filter goes by that name.
    new_status = forms.ChoiceField(choices=Record.Status.choices, label="New status")


class PriceChangeForm(forms.Form):
    class Method:
        PERCENT = "percent"
        AMOUNT = "amount"

    field = forms.ChoiceField(label="Price")
    method = forms.ChoiceField(
        choices=[(Method.PERCENT, "By percent"), (Method.AMOUNT, "By amount")],
        widget=forms.RadioSelect,
        initial=Method.PERCENT,
        label="Change",
    )
    value = forms.DecimalField(
        max_digits=10,
        decimal_places=2,
        label="By",
        help_text="Negative to lower: -10 lowers by 10% or by 10.00.",
    )

    def __init__(self, *args, settings: InventorySettings, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = (settings.price_label, settings.price2_label, settings.price3_label)
        self.fields["field"].choices = list(zip(PRICE_FIELDS, labels, strict=True))

    def clean(self) -> dict:
        data = super().clean()
        value = data.get("value")
        if value is None:
            return data
        if value == 0:
            self.add_error("value", CHANGE_ZERO)
        elif data.get("method") == self.Method.PERCENT and value <= Decimal(-100):
            self.add_error("value", PERCENT_TOO_LOW)
        return data

    def change(self) -> dict:
        """Keyword arguments for ``services.records_change_price``."""
        key = (
            "percent"
            if self.cleaned_data["method"] == self.Method.PERCENT
            else "amount"
        )
        return {"field": self.cleaned_data["field"], key: self.cleaned_data["value"]}
