"""Marketplace services of a shop, and their registration with Amazon.

Registration follows Amazon's website authorization workflow: Shelfmark
sends the user to Seller Central's consent page with a single-use ``state``;
Amazon sends them back to ``marketplace:amazon_callback`` with that state,
the selling partner id and an authorization code; the code is exchanged for
a refresh token, which is kept encrypted.
"""

import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from marketplace import crypto
from marketplace.models import RegistrationAttempt, Service
from marketplace.spapi import MARKETPLACES, AmazonError, SpApiClient
from marketplace.spapi.client import redis_connection
from marketplace.spapi.errors import QuotaExceeded, ServerError, TokenExchangeFailed
from marketplace.spapi.lwa import (
    LwaCredentials,
    consent_url,
    exchange_code,
    forget_access_tokens,
)
from marketplace.spapi.marketplaces import consent_endpoint
from shops.models import Shop, User

logger = logging.getLogger(__name__)

# The callback answers a person's browser: never keep it waiting for quota.
CALLBACK_MAX_WAIT_SECONDS = 5

SERVICE_EXISTS = "This shop already has an {marketplace} service."
SERVICE_UNKNOWN_MARKETPLACE = "Shelfmark cannot list on that marketplace."
SERVICE_EDITABLE_FIELDS = frozenset(Service.EDITABLE_FIELDS)

REGISTRATION_DENIED = (
    "Amazon did not authorize Shelfmark: the request was declined in Seller "
    "Central. Nothing has changed."
)
REGISTRATION_STATE_UNKNOWN = (
    "This authorization was not started by Shelfmark, or has been tampered "
    "with. Nothing has changed; start again from the Online page."
)
REGISTRATION_STATE_USED = (
    "This authorization has already been used. Nothing has changed; start "
    "again from the Online page."
)
REGISTRATION_STATE_EXPIRED = (
    "This authorization expired: finish it within 10 minutes of starting. "
    "Nothing has changed; start again from the Online page."
)
REGISTRATION_STATE_ELSEWHERE = (
    "This authorization was started by another person or for another shop. "
    "Nothing has changed."
)
REGISTRATION_NO_CODE = (
    "Amazon did not send an authorization code. Nothing has changed; start "
    "again from the Online page."
)
REGISTRATION_EXCHANGE_FAILED = (
    "Amazon refused the authorization code ({error}). Nothing has changed; "
    "start again from the Online page."
)
REGISTRATION_UNREACHABLE = (
    "Amazon is unavailable or busy and the registration could not be "
    "finished. Nothing has changed; try again in a few minutes."
)
REGISTRATION_NOT_PARTICIPATING = (
    "The Amazon seller account {seller} does not sell on {marketplace}. "
    "Nothing has changed; sign in with the account that does."
)


class RegistrationFailed(Exception):
    """A consent callback that cannot register the service; says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def service_create(*, shop: Shop, marketplace: str) -> Service:
    if marketplace not in MARKETPLACES:
        raise ValidationError(SERVICE_UNKNOWN_MARKETPLACE)
    if Service.objects.for_shop(shop).filter(marketplace=marketplace).exists():
        label = Service(marketplace=marketplace).get_marketplace_display()
        raise ValidationError(SERVICE_EXISTS.format(marketplace=label))
    service = Service.objects.create(shop=shop, marketplace=marketplace)
    logger.info("Shop %s added service %s", shop.slug, service.marketplace)
    return service


def service_update(*, service: Service, data: Mapping[str, Any]) -> Service:
    """Change a service's settings; ``data`` is a validated ServiceForm's."""
    for name, value in data.items():
        if name not in SERVICE_EDITABLE_FIELDS:
            raise ValueError(f"{name} is not an editable service setting")
        setattr(service, name, value)
    service.save(update_fields=[*data, "updated"])
    logger.info("Shop %s changed service %s", service.shop.slug, service.marketplace)
    return service


def service_set_active(*, service: Service, is_active: bool) -> Service:
    service.is_active = is_active
    service.save(update_fields=["is_active", "updated"])
    logger.info(
        "Shop %s %s service %s",
        service.shop.slug,
        "activated" if is_active else "deactivated",
        service.marketplace,
    )
    return service


def service_disconnect(*, service: Service) -> Service:
    """Forget the seller account and its tokens; settings stay."""
    service.selling_partner_id = ""
    service.refresh_token_encrypted = ""
    service.registered_at = None
    service.save(
        update_fields=[
            "selling_partner_id",
            "refresh_token_encrypted",
            "registered_at",
            "updated",
        ]
    )
    forget_access_tokens(redis_connection(settings.REDIS_URL), str(service.public_id))
    logger.info(
        "Shop %s disconnected service %s from Amazon",
        service.shop.slug,
        service.marketplace,
    )
    return service


def amazon_redirect_uri() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("marketplace:amazon_callback")


def registration_start(*, user: User, shop: Shop, service: Service) -> str:
    """Record a new attempt; returns the Seller Central consent URL."""
    now = timezone.now()
    RegistrationAttempt.objects.for_shop(shop).filter(expires_at__lt=now).delete()
    state, state_hash = RegistrationAttempt.new_state()
    RegistrationAttempt.objects.create(
        shop=shop,
        service=service,
        user=user,
        state_hash=state_hash,
        expires_at=now + RegistrationAttempt.LIFETIME,
    )
    logger.info(
        "Shop %s started registering service %s with Amazon",
        shop.slug,
        service.marketplace,
    )
    return consent_url(
        endpoint=consent_endpoint(service.marketplace),
        application_id=settings.AMAZON_APP_ID,
        draft=settings.AMAZON_APP_IS_DRAFT,
        redirect_uri=amazon_redirect_uri(),
        state=state,
        credentials=LwaCredentials.from_settings(),
    )


def _claim_attempt(
    *, user: User, shop: Shop, params: Mapping[str, str]
) -> RegistrationAttempt:
    """The attempt named by the callback's state, now marked used."""
    state = params.get("state", "")
    if not state and params.get("error"):
        raise RegistrationFailed(REGISTRATION_DENIED)
    attempt = (
        RegistrationAttempt.objects.filter(
            state_hash=RegistrationAttempt.hash_state(state)
        )
        .select_related("service")
        .first()
        if state
        else None
    )
    if attempt is None:
        raise RegistrationFailed(REGISTRATION_STATE_UNKNOWN)
    if attempt.user_id != user.pk or attempt.shop_id != shop.pk:
        logger.warning(
            "Shop %s received an Amazon callback of another user or shop", shop.slug
        )
        raise RegistrationFailed(REGISTRATION_STATE_ELSEWHERE)
    if attempt.used_at is not None:
        raise RegistrationFailed(REGISTRATION_STATE_USED)
    if attempt.is_expired:
        raise RegistrationFailed(REGISTRATION_STATE_EXPIRED)
    now = timezone.now()
    claimed = RegistrationAttempt.objects.filter(
        pk=attempt.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if not claimed:
        raise RegistrationFailed(REGISTRATION_STATE_USED)
    return attempt


def registration_complete(
    *, user: User, shop: Shop, params: Mapping[str, str]
) -> Service:
    """Finish a registration from Amazon's callback parameters.

    Raises RegistrationFailed, leaving the service as it was, unless the
    state is this user's and shop's, unused and unexpired, Amazon sent a
    code it then exchanges, and the seller sells on the service's
    marketplace. Costs two calls to Amazon.
    """
    attempt = _claim_attempt(user=user, shop=shop, params=params)
    service = attempt.service
    if params.get("error"):
        logger.info(
            "Shop %s: Amazon consent for %s declined (%s)",
            shop.slug,
            service.marketplace,
            params["error"],
        )
        raise RegistrationFailed(REGISTRATION_DENIED)
    code = params.get("spapi_oauth_code", "")
    seller = params.get("selling_partner_id", "")
    if not code or not seller:
        raise RegistrationFailed(REGISTRATION_NO_CODE)
    marketplace = MARKETPLACES[service.marketplace]
    try:
        grant = exchange_code(
            code=code,
            redirect_uri=amazon_redirect_uri(),
            credentials=LwaCredentials.from_settings(),
            timeout=settings.AMAZON_HTTP_TIMEOUT_SECONDS,
        )
        with SpApiClient(
            region=marketplace.region,
            selling_partner_id=seller,
            refresh_token=grant.refresh_token,
            token_owner=str(service.public_id),
            max_retries=1,
            max_wait=CALLBACK_MAX_WAIT_SECONDS,
        ) as client:
            client.tokens.store(grant.access_token, grant.expires_in)
            participations = client.get_marketplace_participations()
    except TokenExchangeFailed as error:
        logger.warning(
            "Shop %s: Amazon refused the code for %s: %s",
            shop.slug,
            service.marketplace,
            error.error,
        )
        raise RegistrationFailed(
            REGISTRATION_EXCHANGE_FAILED.format(error=error.description or error.error)
        ) from None
    except (ServerError, QuotaExceeded):
        raise RegistrationFailed(REGISTRATION_UNREACHABLE) from None
    except AmazonError as error:
        logger.warning(
            "Shop %s: Amazon refused seller %s for %s: %s",
            shop.slug,
            seller,
            service.marketplace,
            error,
        )
        raise RegistrationFailed(
            REGISTRATION_EXCHANGE_FAILED.format(error=error.message)
        ) from None
    if not any(
        item.marketplace_id == marketplace.marketplace_id and item.is_participating
        for item in participations
    ):
        client.tokens.forget()
        raise RegistrationFailed(
            REGISTRATION_NOT_PARTICIPATING.format(
                seller=seller, marketplace=service.get_marketplace_display()
            )
        )
    service.selling_partner_id = seller
    service.refresh_token_encrypted = crypto.encrypt(grant.refresh_token)
    service.registered_at = timezone.now()
    service.save(
        update_fields=[
            "selling_partner_id",
            "refresh_token_encrypted",
            "registered_at",
            "updated",
        ]
    )
    logger.info(
        "Shop %s registered service %s with Amazon seller %s",
        shop.slug,
        service.marketplace,
        seller,
    )
    return service
