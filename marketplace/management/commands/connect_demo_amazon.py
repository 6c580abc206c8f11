"""python manage.py connect_demo_amazon --shop demo

Registers a shop's Amazon service with the simulator's demo seller by going
through the same consent flow a person does in the browser: open the consent
page, sign in and confirm, then finish with the callback's parameters.
"""

from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from inventory.models import Marketplace
from marketplace import services
from marketplace.models import Service
from shops.models import Membership, Shop

DEMO_SELLER_EMAIL = "seller@example.com"
DEMO_SELLER_PASSWORD = "simulator"


class ConsentForm(HTMLParser):
    """The first form on a consent page: its action and its inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form" and self.action is None:
            self.action = attributes.get("action", "")
            self._in_form = True
        elif tag == "input" and self._in_form and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False


def sign_in_and_consent(
    consent_url: str, *, email: str, password: str, approve: bool = True
) -> dict[str, str]:
    """Answer the consent page; returns the callback URL's parameters."""
    try:
        page = requests.get(consent_url, timeout=10)
    except requests.ConnectionError:
        raise CommandError(
            f"Nothing answers at {settings.AMAZON_SIMULATOR_URL}: start the "
            "simulator with `python manage.py run_simulator`."
        ) from None
    if page.status_code != 200:
        raise CommandError(f"The consent page refused the request: {page.text[:300]}")
    form = ConsentForm()
    form.feed(page.text)
    if form.action is None:
        raise CommandError("The consent page has no form.")
    data = {
        **form.fields,
        "email": email,
        "password": password,
        "action": "confirm" if approve else "cancel",
    }
    answer = requests.post(
        urljoin(page.url, form.action), data=data, allow_redirects=False, timeout=10
    )
    location = answer.headers.get("Location")
    if answer.status_code not in (301, 302, 303) or not location:
        raise CommandError("Signing in on the consent page failed.")
    return dict(parse_qsl(urlsplit(location).query))


class Command(BaseCommand):
    help = (
        "Register a shop's Amazon service with the simulator's demo seller, "
        "through the consent flow."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--shop", required=True, help="the shop's slug")
        parser.add_argument(
            "--marketplace",
            default=Marketplace.AMAZON_US,
            choices=Marketplace.values,
        )
        parser.add_argument("--email", default=DEMO_SELLER_EMAIL)
        parser.add_argument("--password", default=DEMO_SELLER_PASSWORD)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.AMAZON_USE_SIMULATOR:
            raise CommandError(
                "AMAZON_USE_SIMULATOR is off: register real Amazon accounts "
                "from the Online page."
            )
        shop = Shop.objects.filter(slug=options["shop"]).first()
        if shop is None:
            raise CommandError(f"No shop with the slug {options['shop']!r}.")
        service = Service.objects.for_shop(shop).filter(
            marketplace=options["marketplace"]
        ).first() or services.service_create(
            shop=shop, marketplace=options["marketplace"]
        )
        name = service.get_marketplace_display()
        if service.is_registered:
            self.stdout.write(
                f"{shop.name}'s {name} service is already registered with "
                f"Amazon seller {service.selling_partner_id}."
            )
            return
        owner = (
            Membership.objects.filter(shop=shop, role=Membership.Role.OWNER)
            .select_related("user")
            .order_by("created")
            .first()
        )
        if owner is None:
            raise CommandError(f"{shop.name} has no owner to register it.")
        consent_url = services.registration_start(
            user=owner.user, shop=shop, service=service
        )
        params = sign_in_and_consent(
            consent_url, email=options["email"], password=options["password"]
        )
        try:
            service = services.registration_complete(
                user=owner.user, shop=shop, params=params
            )
        except services.RegistrationFailed as failure:
            raise CommandError(failure.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{shop.name}'s {name} service is registered with Amazon seller "
                f"{service.selling_partner_id}."
            )
        )
