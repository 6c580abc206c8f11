from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from inventory.models import InventorySettings
from marketplace import crypto
from marketplace.forms import MIN_NOT_BELOW_MAX, PRICE_NOT_POSITIVE
from marketplace.models import Service
from marketplace.services import service_create

ONLINE = reverse("marketplace:online")


def edit_url(service: Service) -> str:
    return reverse("marketplace:service_edit", args=[service.public_id])


def settings_form(**changes) -> dict:
    form = {
        "is_active": "on",
        "price_field": "price",
        "min_price": "1.00",
        "max_price": "500.00",
        "note_limit": "1000",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


@pytest.fixture
def service(shop) -> Service:
    return service_create(shop=shop, marketplace="amazon_us")


def test_an_owner_adds_amazon_us_with_the_usual_limits(owner_client, shop):
    response = owner_client.post(
        reverse("marketplace:service_add"), {"marketplace": "amazon_us"}
    )

    service = Service.objects.get(shop=shop)
    assert response.url == edit_url(service)
    assert service.marketplace == "amazon_us"
    assert service.is_active
    assert service.min_price == Decimal("0.01")
    assert service.max_price == Decimal("100000")
    assert not service.is_registered


def test_a_shop_has_one_service_per_marketplace(owner_client, shop, service):
    response = owner_client.post(
        reverse("marketplace:service_add"), {"marketplace": "amazon_us"}, follow=True
    )

    assert Service.objects.filter(shop=shop).count() == 1
    assert "Choose a marketplace this shop does not have yet." in response.text
    with pytest.raises(ValidationError, match="already has an Amazon US service"):
        service_create(shop=shop, marketplace="amazon_us")


def test_only_missing_marketplaces_can_be_added(owner_client, service):
    response = owner_client.get(ONLINE)

    form = response.context["add_form"]
    assert [value for value, _ in form.fields["marketplace"].choices] == [
        "amazon_ca",
        "amazon_uk",
    ]


def test_the_online_page_lists_each_service_with_its_fixed_endpoint(
    owner_client, shop, settings
):
    settings.AMAZON_USE_SIMULATOR = False
    service_create(shop=shop, marketplace="amazon_us")
    service_create(shop=shop, marketplace="amazon_uk")

    response = owner_client.get(ONLINE)

    assert "Amazon US" in response.text
    assert "https://sellingpartnerapi-na.amazon.com" in response.text
    assert "Amazon UK" in response.text
    assert "https://sellingpartnerapi-eu.amazon.com" in response.text


def test_staff_change_a_services_settings(staff_client, service):
    response = staff_client.post(
        edit_url(service),
        settings_form(price_field="price2", upload_images="on", note_limit="500"),
    )

    service.refresh_from_db()
    assert response.url == ONLINE
    assert service.price_field == "price2"
    assert service.min_price == Decimal("1.00")
    assert service.max_price == Decimal("500.00")
    assert service.upload_images
    assert service.note_limit == 500


@pytest.mark.parametrize(
    "changes",
    [
        {"min_price": "0"},
        {"min_price": "-5"},
        {"max_price": "0"},
        {"max_price": "-1"},
    ],
)
def test_prices_must_be_above_zero(owner_client, service, changes):
    response = owner_client.post(edit_url(service), settings_form(**changes))

    service.refresh_from_db()
    assert response.status_code == 200
    assert PRICE_NOT_POSITIVE in response.text
    assert service.min_price == Decimal("0.01")
    assert service.max_price == Decimal("100000")


@pytest.mark.parametrize(("low", "high"), [("50", "50"), ("80", "20")])
def test_the_minimum_price_must_be_below_the_maximum(owner_client, service, low, high):
    response = owner_client.post(
        edit_url(service), settings_form(min_price=low, max_price=high)
    )

    service.refresh_from_db()
    assert MIN_NOT_BELOW_MAX in response.text
    assert service.min_price == Decimal("0.01")


def test_a_note_limit_of_zero_is_refused(owner_client, service):
    response = owner_client.post(edit_url(service), settings_form(note_limit="0"))

    service.refresh_from_db()
    assert "at least 1 character" in response.text
    assert service.note_limit == 2000


def test_price_fields_carry_the_shops_own_names(owner_client, shop, service):
    InventorySettings.objects.update_or_create(
        shop=shop,
        defaults={"price_label": "List price", "price2_label": "Trade price"},
    )
    service.price_field = Service.PriceField.PRICE2
    service.save()

    edit = owner_client.get(edit_url(service))
    listing = owner_client.get(ONLINE)

    assert '<option value="price">List price</option>' in edit.text
    assert "Trade price" in edit.text
    assert "Trade price" in listing.text


def test_a_service_is_deactivated_and_activated(staff_client, service):
    url = reverse("marketplace:service_activate", args=[service.public_id])

    staff_client.post(url, {"active": "false"})
    service.refresh_from_db()
    inactive = service.is_active
    staff_client.post(url, {"active": "true"})
    service.refresh_from_db()

    assert inactive is False
    assert service.is_active is True


def test_a_reader_sees_the_services_but_changes_nothing(reader_client, service):
    listing = reader_client.get(ONLINE)
    edit = reader_client.get(edit_url(service))
    attempts = [
        reader_client.post(edit_url(service), settings_form(min_price="3")),
        reader_client.post(
            reverse("marketplace:service_activate", args=[service.public_id]),
            {"active": "false"},
        ),
        reader_client.post(
            reverse("marketplace:service_add"), {"marketplace": "amazon_ca"}
        ),
        reader_client.post(
            reverse("marketplace:amazon_register", args=[service.public_id])
        ),
    ]

    service.refresh_from_db()
    assert listing.status_code == 200
    assert "Amazon US" in listing.text
    assert listing.context["add_form"] is not None  # offered, but not shown
    assert "Add a service" not in listing.text
    assert "Register with Amazon" not in listing.text
    assert edit.status_code == 200
    assert all(field.disabled for field in edit.context["form"].fields.values())
    assert [response.status_code for response in attempts] == [403] * 4
    assert service.min_price == Decimal("0.01")
    assert service.is_active
    assert Service.objects.count() == 1


def test_only_owners_register_and_disconnect(staff_client, service):
    register = staff_client.post(
        reverse("marketplace:amazon_register", args=[service.public_id])
    )
    disconnect = staff_client.post(
        reverse("marketplace:amazon_disconnect", args=[service.public_id])
    )

    assert register.status_code == 403
    assert disconnect.status_code == 403


def test_the_list_shows_who_a_service_is_registered_with(owner_client, service):
    service.selling_partner_id = "A1B2C3D4E5F6G7"
    service.refresh_token_encrypted = crypto.encrypt("Atzr|token")
    service.registered_at = timezone.now()
    service.save()

    response = owner_client.get(ONLINE)

    assert "A1B2C3D4E5F6G7" in response.text
    assert "Registered" in response.text
    assert "Register again" in response.text
    assert "Atzr|token" not in response.text
    assert service.refresh_token_encrypted not in response.text


def test_a_stranger_cannot_see_or_change_a_service(stranger_client, service):
    edit = stranger_client.get(edit_url(service))
    change = stranger_client.post(edit_url(service), settings_form(min_price="9"))

    service.refresh_from_db()
    assert edit.status_code == 404
    assert change.status_code == 404
    assert service.min_price == Decimal("0.01")
    assert stranger_client.get(ONLINE).context["services"] == []
