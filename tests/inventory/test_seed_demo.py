import io

from django.core.management import call_command
from stdnum import isbn as stdnum_isbn

from inventory.identifiers import normalize_asin
from inventory.models import ListingState, Record
from shops.models import Membership, Shop, User


def seed(**options):
    call_command("seed_demo", shop="demo", **options, stdout=io.StringIO())


def test_it_creates_the_shop_its_owner_and_the_books(db, client):
    seed(books=300)
    shop = Shop.objects.get(slug="demo")
    owner = User.objects.get(email="demo@shelfmark.test")
    assert Membership.objects.get(shop=shop, user=owner).is_owner
    assert client.login(email="demo@shelfmark.test", password="shelfmark-demo")
    assert Record.objects.for_shop(shop).count() == 300


def test_a_second_run_tops_up_without_duplicates(db):
    seed(books=120)
    seed(books=120)
    shop = Shop.objects.get(slug="demo")
    assert Record.objects.for_shop(shop).count() == 120
    seed(books=150)
    skus = list(Record.objects.for_shop(shop).values_list("sku", flat=True))
    assert len(skus) == len(set(skus)) == 150
    assert User.objects.filter(email="demo@shelfmark.test").count() == 1


def test_the_books_look_like_a_real_shops(db):
    seed(books=400, owner_email="owner@demo.example", password="another-pass")
    records = list(Record.objects.all())
    isbns = [r.isbn for r in records if r.isbn]
    assert all(stdnum_isbn.is_valid(isbn) for isbn in isbns)
    assert all(normalize_asin(r.asin) == r.asin for r in records if r.asin)
    assert any(not r.isbn and not r.asin for r in records)
    assert any(r.image_url_1.startswith("https://images.example.com/") for r in records)
    assert any(r.status == Record.Status.SOLD for r in records)
    assert len({r.book_grade for r in records}) >= 5
    assert len({r.binding for r in records}) >= 4
    assert any(
        "García Márquez" in r.author or "Zola, Émile" in r.author for r in records
    )
    # Every book for sale waits for its first upload, and nothing else does.
    for_sale = {
        r.pk for r in records if r.status == Record.Status.AVAILABLE and r.quantity
    }
    states = ListingState.objects.all()
    assert {state.state for state in states} == {ListingState.State.PENDING_ADD}
    assert {state.record_id for state in states} == for_sale
    assert states.filter(marketplace="amazon_us").count() == len(for_sale)
    assert User.objects.filter(email="owner@demo.example").exists()


def test_a_record_typed_by_hand_keeps_its_number(db, owner):
    seed(books=5)
    shop = Shop.objects.get(slug="demo")
    Record.objects.create(shop=shop, sku="7", title="Typed by hand")
    seed(books=10)
    assert Record.objects.for_shop(shop).filter(sku="7").count() == 1
    assert Record.objects.for_shop(shop).count() == 10
