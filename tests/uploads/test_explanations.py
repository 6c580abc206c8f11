import pytest

from simulator import listings_feed
from uploads.explanations import EXPLANATIONS, explain


def test_a_known_code_says_what_it_means_and_what_to_do():
    found = explain("90220")

    assert "requires" in found.meaning
    assert "title, author, binding and publisher" in found.fix


def test_the_price_code_points_at_the_price_field():
    assert "price" in explain("99022").fix


@pytest.mark.parametrize(
    "name", [name for name in dir(listings_feed) if name.startswith("CODE_")]
)
def test_every_code_the_simulator_emits_is_explained(name):
    assert getattr(listings_feed, name) in EXPLANATIONS


@pytest.mark.parametrize(
    ("severity", "words"),
    [
        ("ERROR", "Amazon refused this listing"),
        ("WARNING", "Amazon accepted the listing"),
        ("info", "not refused"),
        ("", "Amazon refused this listing"),
    ],
)
def test_an_unknown_code_falls_back_on_its_severity(severity, words):
    assert words in explain("123456", severity).meaning


def test_every_explanation_has_a_fix():
    assert all(e.meaning and e.fix for e in EXPLANATIONS.values())
