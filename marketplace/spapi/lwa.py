"""Login with Amazon: the consent URL, code exchange and access tokens.

requests-oauthlib runs the authorization-code flow. Seller Central speaks
its own dialect of it, handled by ``SellerCentralClient``: the consent URL
names the app by ``application_id`` (not ``client_id``), has no
``response_type``, and takes ``version=beta`` while the app is a Draft; the
code comes back as ``spapi_oauth_code``. The token endpoint is standard
OAuth 2, so ``OAuth2Session`` exchanges and refreshes unchanged.

Access tokens live for an hour. ``AccessTokens`` keeps each one in Redis,
encrypted, until shortly before it expires, so every worker shares it.
"""

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import redis
import requests
from django.conf import settings
from oauthlib.common import add_params_to_uri
from oauthlib.oauth2 import (
    InsecureTransportError,
    OAuth2Error,
    WebApplicationClient,
    is_secure_transport,
)
from requests_oauthlib import OAuth2Session

from marketplace import crypto
from marketplace.spapi.errors import ServerError, TokenExchangeFailed
from marketplace.spapi.marketplaces import lwa_token_url

logger = logging.getLogger(__name__)

TOKEN_KEY_PREFIX = "shelfmark:amazon:lwa"
# Refresh this long before Amazon says a token expires, so a token is never
# sent in its last seconds.
EXPIRY_MARGIN_SECONDS = 120


@dataclass(frozen=True)
class LwaCredentials:
    client_id: str
    client_secret: str
    token_url: str

    @classmethod
    def from_settings(cls) -> "LwaCredentials":
        return cls(
            client_id=settings.AMAZON_LWA_CLIENT_ID,
            client_secret=settings.AMAZON_LWA_CLIENT_SECRET,
            token_url=lwa_token_url(),
        )


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    refresh_token: str
    expires_in: int

    def __repr__(self) -> str:
        return f"TokenGrant(expires_in={self.expires_in})"


class SellerCentralClient(WebApplicationClient):
    """The authorization-code client, in Seller Central's terms."""

    def __init__(self, client_id: str, *, application_id: str, draft: bool) -> None:
        super().__init__(client_id)
        self.application_id = application_id
        self.draft = draft

    def prepare_request_uri(
        self,
        uri: str,
        redirect_uri: str | None = None,
        scope: Any = None,
        state: str | None = None,
        **kwargs: Any,
    ) -> str:
        if not is_secure_transport(uri):
            raise InsecureTransportError()
        params = [("application_id", self.application_id)]
        if state:
            params.append(("state", state))
        if redirect_uri:
            params.append(("redirect_uri", redirect_uri))
        if self.draft:
            params.append(("version", "beta"))
        return add_params_to_uri(uri, params)


def consent_url(
    *,
    endpoint: str,
    application_id: str,
    draft: bool,
    redirect_uri: str,
    state: str,
    credentials: LwaCredentials,
) -> str:
    client = SellerCentralClient(
        credentials.client_id, application_id=application_id, draft=draft
    )
    session = OAuth2Session(client=client, redirect_uri=redirect_uri)
    url, _ = session.authorization_url(endpoint, state=state)
    return url


def _raise_for_lwa_error(response: requests.Response) -> requests.Response:
    if response.status_code >= 500:
        raise ServerError(
            "Login with Amazon failed; try again later",
            status=response.status_code,
        )
    if response.status_code >= 400:
        try:
            body = response.json()
        except ValueError:
            body = {}
        raise TokenExchangeFailed(
            str(body.get("error") or f"http_{response.status_code}"),
            str(body.get("error_description") or ""),
            status=response.status_code,
        )
    return response


def _session(credentials: LwaCredentials, **kwargs: Any) -> OAuth2Session:
    session = OAuth2Session(client_id=credentials.client_id, **kwargs)
    session.register_compliance_hook("access_token_response", _raise_for_lwa_error)
    session.register_compliance_hook("refresh_token_response", _raise_for_lwa_error)
    return session


def _grant(token: dict[str, Any], refresh_token: str = "") -> TokenGrant:
    return TokenGrant(
        access_token=token["access_token"],
        refresh_token=token.get("refresh_token") or refresh_token,
        expires_in=int(token.get("expires_in") or 3600),
    )


def exchange_code(
    *, code: str, redirect_uri: str, credentials: LwaCredentials, timeout: float
) -> TokenGrant:
    """Trade an ``spapi_oauth_code`` for a refresh and an access token."""
    session = _session(credentials, redirect_uri=redirect_uri)
    try:
        token = session.fetch_token(
            credentials.token_url,
            code=code,
            client_secret=credentials.client_secret,
            include_client_id=True,
            timeout=timeout,
        )
    except requests.RequestException as error:
        raise ServerError(f"Login with Amazon could not be reached: {error}") from None
    except OAuth2Error as error:
        raise TokenExchangeFailed(error.error, error.description or "") from None
    if not token.get("refresh_token"):
        raise TokenExchangeFailed("invalid_response", "No refresh token was returned.")
    return _grant(token)


def refresh_access_token(
    *, refresh_token: str, credentials: LwaCredentials, timeout: float
) -> TokenGrant:
    session = _session(credentials)
    try:
        token = session.refresh_token(
            credentials.token_url,
            refresh_token=refresh_token,
            client_id=credentials.client_id,
            client_secret=credentials.client_secret,
            timeout=timeout,
        )
    except requests.RequestException as error:
        raise ServerError(f"Login with Amazon could not be reached: {error}") from None
    except OAuth2Error as error:
        raise TokenExchangeFailed(error.error, error.description or "") from None
    return _grant(token, refresh_token)


class AccessTokens:
    """The access token for one refresh token, cached in Redis until expiry.

    ``owner`` names whose token it is (a service), so that disconnecting can
    forget it; the key also carries a fingerprint of the refresh token, so a
    re-registered service never reuses its previous seller's token.
    """

    def __init__(
        self,
        *,
        connection: redis.Redis,
        owner: str,
        refresh_token: str,
        credentials: LwaCredentials,
        timeout: float,
    ) -> None:
        self.redis = connection
        self.refresh_token = refresh_token
        self.credentials = credentials
        self.timeout = timeout
        fingerprint = hashlib.sha256(refresh_token.encode()).hexdigest()[:16]
        self.key = f"{TOKEN_KEY_PREFIX}:{owner}:{fingerprint}"

    def cached(self) -> str | None:
        stored = self.redis.get(self.key)
        if stored is None:
            return None
        try:
            entry = json.loads(crypto.decrypt(stored.decode()))
        except (crypto.DecryptionFailed, ValueError):
            return None
        if entry["expires_at"] - EXPIRY_MARGIN_SECONDS <= time.time():
            return None
        return entry["access_token"]

    def get(self) -> str:
        token = self.cached()
        if token is None:
            grant = refresh_access_token(
                refresh_token=self.refresh_token,
                credentials=self.credentials,
                timeout=self.timeout,
            )
            self.store(grant.access_token, grant.expires_in)
            token = grant.access_token
        return token

    def store(self, access_token: str, expires_in: int) -> None:
        entry = {"access_token": access_token, "expires_at": time.time() + expires_in}
        ttl = max(1, expires_in - EXPIRY_MARGIN_SECONDS)
        self.redis.set(self.key, crypto.encrypt(json.dumps(entry)), ex=ttl)

    def forget(self) -> None:
        self.redis.delete(self.key)


def forget_access_tokens(connection: redis.Redis, owner: str) -> None:
    """Drop every cached access token of ``owner``."""
    keys = list(connection.scan_iter(match=f"{TOKEN_KEY_PREFIX}:{owner}:*"))
    if keys:
        connection.delete(*keys)
