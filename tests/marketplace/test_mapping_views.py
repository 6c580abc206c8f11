import pytest
from django.urls import reverse

from inventory.models import Record
from marketplace import mapping as mappings
from marketplace.models import FieldMapping, Service

PAGE = reverse("marketplace:mapping")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def service(shop):
    return Service.objects.create(shop=shop, marketplace="amazon_us")


@pytest.fixture
def their_service(other_shop):
    return Service.objects.create(shop=other_shop, marketplace="amazon_us")


@pytest.fixture
def record(shop):
    return Record.objects.create(
        shop=shop,
        sku="1001",
        title="The Hobbit",
        place="London",
        publisher="Allen & Unwin",
        book_grade="very_good",
        jacket_grade="good",
    )


def post(client, name, data, service=None, htmx=True):
    url = reverse(f"marketplace:{name}")
    if service is not None:
        url += f"?service={service.public_id}"
    return client.post(url, data, **(HTMX if htmx else {}))


def test_the_page_shows_the_mapping_the_preview_and_a_way_back(owner_client, record):
    response = owner_client.get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Place" in body and "Publisher" in body
    assert "London. Allen &amp; Unwin. Very Good in Good dust jacket" in body
    assert reverse("marketplace:online") in body
    # Fields already in the note are not offered again.
    assert '<option value="place">' not in body
    assert '<option value="language">' in body


def test_an_owner_adds_a_field_and_gets_the_table_back(owner_client, shop):
    response = post(owner_client, "mapping_add", {"field": "language"})
    assert response.status_code == 200
    assert "mapping-changed" in response.headers["HX-Trigger"]
    assert "Language" in response.content.decode()
    assert "<html" not in response.content.decode()
    assert mappings.mapping_for(shop).fields[-1] == "language"


def test_staff_move_remove_and_set_the_separator(staff_client, shop):
    post(staff_client, "mapping_move", {"field": "publisher", "direction": "up"})
    post(staff_client, "mapping_remove", {"field": "place"})
    post(staff_client, "mapping_separator", {"separator": " | "})
    mapping = mappings.mapping_for(shop)
    assert mapping.fields[:2] == ["publisher", "pub_date"]
    assert mapping.separator == " | "


def test_a_refused_change_shows_why_and_changes_nothing(owner_client, shop):
    response = post(owner_client, "mapping_add", {"field": "price"})
    assert response.status_code == 200
    assert "cannot be part of the condition note" in response.content.decode()
    assert "HX-Trigger" not in response.headers
    assert not FieldMapping.objects.exists()


def test_without_htmx_a_change_returns_to_the_page(owner_client, service):
    response = post(owner_client, "mapping_add", {"field": "language"}, service, False)
    assert response.status_code == 302
    assert response.url == f"{PAGE}?service={service.public_id}"


def test_editing_a_service_gives_it_its_own_mapping(owner_client, shop, service):
    post(owner_client, "mapping_remove", {"field": "place"}, service)
    assert "place" not in mappings.mapping_for(shop, service).fields
    assert "place" in mappings.mapping_for(shop).fields
    response = owner_client.get(f"{PAGE}?service={service.public_id}")
    assert "Use the shop's mapping" in response.content.decode()


def test_use_the_shops_mapping_drops_the_override(owner_client, shop, service):
    post(owner_client, "mapping_remove", {"field": "place"}, service)
    post(owner_client, "mapping_use_shop", {}, service)
    assert not FieldMapping.objects.filter(service=service).exists()


def test_reset_restores_the_default(owner_client, shop):
    post(owner_client, "mapping_separator", {"separator": ", "})
    post(owner_client, "mapping_reset", {})
    assert mappings.mapping_for(shop).separator == ". "


def test_a_reader_sees_the_mapping_but_cannot_change_it(reader_client, shop):
    response = reader_client.get(PAGE)
    assert response.status_code == 200
    assert "read-only" in response.content.decode()
    assert reverse("marketplace:mapping_add") not in response.content.decode()
    for name, data in [
        ("mapping_add", {"field": "language"}),
        ("mapping_move", {"field": "place", "direction": "down"}),
        ("mapping_remove", {"field": "place"}),
        ("mapping_separator", {"separator": ", "}),
        ("mapping_reset", {}),
    ]:
        assert post(reader_client, name, data).status_code == 403
    assert not FieldMapping.objects.exists()


def test_a_stranger_gets_404_for_another_shops_service(
    stranger_client, their_service, service
):
    assert stranger_client.get(f"{PAGE}?service={service.public_id}").status_code == 404
    response = post(stranger_client, "mapping_add", {"field": "language"}, service)
    assert response.status_code == 404
    response = post(stranger_client, "mapping_use_shop", {}, service)
    assert response.status_code == 404
    assert not FieldMapping.objects.exists()


def test_a_service_id_that_is_not_a_uuid_is_404(owner_client):
    assert owner_client.get(f"{PAGE}?service=42").status_code == 404


def test_the_preview_follows_the_record_picked(owner_client, record):
    url = reverse("marketplace:mapping_preview")
    response = owner_client.get(f"{url}?record={record.public_id}", **HTMX)
    body = response.content.decode()
    assert "London. Allen &amp; Unwin. Very Good in Good dust jacket" in body
    assert 'hx-trigger="mapping-changed from:body"' in body


def test_a_stranger_cannot_preview_another_shops_record(stranger_client, record):
    url = reverse("marketplace:mapping_preview")
    response = stranger_client.get(f"{url}?record={record.public_id}", **HTMX)
    assert response.status_code == 404


def test_the_record_search_finds_by_sku_or_title(owner_client, record, other_shop):
    Record.objects.create(shop=other_shop, sku="1001-R", title="The Hobbit again")
    url = reverse("marketplace:mapping_records")
    body = owner_client.get(f"{url}?q=hobbit", **HTMX).content.decode()
    assert "The Hobbit" in body and "1001-R" not in body
    body = owner_client.get(f"{url}?q=100", **HTMX).content.decode()
    assert str(record.public_id) in body


def test_the_clipped_list_names_records_to_fix(owner_client, shop, service):
    service.note_limit = 20
    service.save()
    Record.objects.create(shop=shop, sku="9", title="Long", defects="word " * 10)
    url = reverse("marketplace:mapping_clipped")
    response = owner_client.get(f"{url}?service={service.public_id}", **HTMX)
    body = response.content.decode()
    assert "<td>9</td>" in body
    assert "<td>Long</td>" in body


def test_without_htmx_the_clipped_list_is_a_whole_page(owner_client, shop):
    Service.objects.create(shop=shop, marketplace="amazon_ca", note_limit=20)
    Record.objects.create(shop=shop, sku="9", title="Long", defects="word " * 10)
    response = owner_client.get(reverse("marketplace:mapping_clipped"))
    body = response.content.decode()
    assert "<html" in body
    assert "<td>Long</td>" in body
