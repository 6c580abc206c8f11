import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.models import Record
from marketplace.models import FieldMapping, Service

URL = reverse("marketplace:notes_preview")


@pytest.fixture
def records(shop):
    return [
        Record.objects.create(shop=shop, sku="1", place="London", book_grade="good"),
        Record.objects.create(shop=shop, sku="2", item_note="Signed."),
        Record.objects.create(shop=shop, sku="3"),
    ]


def cells(response) -> dict[str, str]:
    pattern = r'<td id="note-([0-9a-f-]+)" class="note" hx-swap-oob="true">(.*?)</td>'
    return dict(re.findall(pattern, response.content.decode(), re.S))


def ids(*records) -> str:
    return ",".join(str(record.public_id) for record in records)


def test_it_returns_one_out_of_band_cell_per_record(owner_client, records):
    response = owner_client.get(URL, {"records": ids(*records)})
    assert response.status_code == 200
    assert cells(response) == {
        str(records[0].public_id): "London. Good",
        str(records[1].public_id): "Signed.",
        str(records[2].public_id): "",
    }


def test_it_uses_the_services_mapping_and_marks_clipped_notes(
    owner_client, shop, records
):
    service = Service.objects.create(shop=shop, marketplace="amazon_uk", note_limit=8)
    FieldMapping.objects.create(
        shop=shop, service=service, fields=["place", "book_grade"]
    )
    response = owner_client.get(
        URL, {"records": ids(*records), "service": str(service.public_id)}
    )
    found = cells(response)
    assert found[str(records[0].public_id)].startswith("London. <span")
    assert "clipped" in found[str(records[0].public_id)]
    assert found[str(records[1].public_id)] == "Signed."


def test_its_queries_do_not_grow_with_the_records(owner_client, records):
    owner_client.get(URL, {"records": ids(records[0])})  # settles the session
    with CaptureQueriesContext(connection) as one:
        owner_client.get(URL, {"records": ids(records[0])})
    with CaptureQueriesContext(connection) as three:
        owner_client.get(URL, {"records": ids(*records)})
    assert len(three.captured_queries) == len(one.captured_queries)


def test_records_of_another_shop_are_left_out(stranger_client, records, other_shop):
    theirs = Record.objects.create(shop=other_shop, sku="1", place="Paris")
    response = stranger_client.get(URL, {"records": ids(*records, theirs)})
    assert cells(response) == {str(theirs.public_id): "Paris"}


def test_a_stranger_gets_404_for_another_shops_service(stranger_client, shop, records):
    service = Service.objects.create(shop=shop, marketplace="amazon_us")
    response = stranger_client.get(
        URL, {"records": ids(*records), "service": str(service.public_id)}
    )
    assert response.status_code == 404


def test_it_refuses_more_than_two_hundred_records(owner_client):
    many = ",".join(str(uuid.uuid4()) for _ in range(201))
    assert owner_client.get(URL, {"records": many}).status_code == 400


def test_it_refuses_ids_that_are_not_uuids(owner_client):
    assert owner_client.get(URL, {"records": "1,2"}).status_code == 400


def test_a_reader_may_see_notes(reader_client, records):
    response = reader_client.get(URL, {"records": ids(records[0])})
    assert cells(response) == {str(records[0].public_id): "London. Good"}
