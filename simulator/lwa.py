"""Login with Amazon: the seller's consent page and the token endpoint."""

import html
import logging
import secrets
from typing import Any
from urllib.parse import urlencode, urlsplit

from simulator.core import ACCESS_TOKEN_SECONDS, AUTHORIZATION_CODE_SECONDS
from simulator.state import Application, AuthorizationCode, Grant
from simulator.web import Request, Response

logger = logging.getLogger(__name__)

TOKEN_HEADERS = [
    ("Content-Type", "application/json;charset=UTF-8"),
    ("Cache-Control", "no-store"),
    ("Pragma", "no-cache"),
]


def redirect_uri_allowed(application: Application, uri: str) -> bool:
    """Whether uri matches one of the app's registered redirect URIs.

    A registered entry may use "*" as its port ("http://127.0.0.1:*"),
    which allows any port and any path on that host.
    """
    target = urlsplit(uri)
    if not target.scheme or not target.hostname:
        return False
    for registered in application.redirect_uris:
        if registered == uri:
            return True
        if registered.endswith(":*"):
            allowed = urlsplit(registered[:-2])
            if (target.scheme, target.hostname) == (allowed.scheme, allowed.hostname):
                return True
    return False


def consent(sim: Any, request: Request) -> Response:
    fields = request.form() if request.method == "POST" else {}
    params = {
        name: fields.get(name, request.arg(name) or "")
        for name in ("application_id", "state", "version", "redirect_uri")
    }
    with sim.lock:
        application = sim.state.applications.get(params["application_id"])
        problem = consent_problem(application, params)
        if problem or application is None:
            return error_page(problem or "Unknown application.")
        redirect_uri = params["redirect_uri"] or application.redirect_uris[0]
        if request.method == "GET":
            return consent_page(application, params)
        if fields.get("action") != "confirm":
            logger.info("Consent denied for %s", application.application_id)
            return Response.redirect(
                with_query(
                    redirect_uri,
                    error="access_denied",
                    error_description="The seller denied the authorization request.",
                    state=params["state"],
                )
            )
        seller = sim.state.seller_by_email(fields.get("email", ""))
        if seller is None or not secrets.compare_digest(
            seller.password, fields.get("password", "")
        ):
            return consent_page(
                application, params, "The email address or password is incorrect."
            )
        code = AuthorizationCode(
            code="AN" + secrets.token_urlsafe(24),
            selling_partner_id=seller.selling_partner_id,
            application_id=application.application_id,
            redirect_uri=redirect_uri,
            expires_at=sim.clock.time() + AUTHORIZATION_CODE_SECONDS,
        )
        sim.state.codes[code.code] = code
    logger.info(
        "Seller %s authorized %s", seller.selling_partner_id, application.application_id
    )
    return Response.redirect(
        with_query(
            redirect_uri,
            state=params["state"],
            selling_partner_id=seller.selling_partner_id,
            spapi_oauth_code=code.code,
        )
    )


def consent_problem(application: Application | None, params: dict[str, str]) -> str:
    if application is None:
        return "The application you are trying to authorize is not registered."
    if application.draft and params["version"] != "beta":
        return (
            "This application is in draft status; add version=beta to the "
            "authorization URL."
        )
    uri = params["redirect_uri"]
    if uri and not redirect_uri_allowed(application, uri):
        return "The redirect_uri is not registered for this application."
    if not uri and "*" in application.redirect_uris[0]:
        return "A redirect_uri is required for this application."
    return ""


def with_query(uri: str, **params: str) -> str:
    return uri + ("&" if "?" in uri else "?") + urlencode(params)


PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: sans-serif; max-width: 32rem; margin: 3rem auto; }}
label {{ display: block; margin: .75rem 0 .25rem; }}
input[type=email], input[type=password] {{ width: 100%; padding: .4rem; }}
.error {{ color: #b12704; }}
button {{ margin: 1rem .5rem 0 0; padding: .5rem 1rem; }}
</style></head>
<body>
<p><small>Amazon Seller Central (simulator)</small></p>
{body}
</body>
</html>
"""


def consent_page(
    application: Application, params: dict[str, str], error: str = ""
) -> Response:
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
        for name, value in params.items()
    )
    body = f"""<h1>Authorize {html.escape(application.name)}</h1>
<p>{html.escape(application.name)} asks to access your selling account through
the Selling Partner API.</p>
{f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""}
<form method="post" action="/apps/authorize/consent">
{hidden}
<label for="email">Email</label>
<input id="email" type="email" name="email" autocomplete="username">
<label for="password">Password</label>
<input id="password" type="password" name="password"
  autocomplete="current-password">
<button type="submit" name="action" value="confirm">Confirm</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</form>"""
    response = Response.html(PAGE.format(title="Authorize application", body=body))
    response.headers.append(("Referrer-Policy", "no-referrer"))
    return response


def error_page(message: str) -> Response:
    body = (
        "<h1>We cannot authorize this application</h1>\n"
        f'<p class="error">{html.escape(message)}</p>'
    )
    return Response.html(PAGE.format(title="Authorization error", body=body), 400)


def lwa_error(status: int, error: str, description: str) -> Response:
    response = Response.json({"error": error, "error_description": description}, status)
    response.headers = [*TOKEN_HEADERS]
    return response


def token(sim: Any, request: Request) -> Response:
    if request.content_type != "application/x-www-form-urlencoded":
        return lwa_error(
            400,
            "invalid_request",
            "The request must be form-encoded (application/x-www-form-urlencoded).",
        )
    form = request.form()
    grant_type = form.get("grant_type", "")
    with sim.lock:
        sim.counters["tokenRequests"][grant_type or "(none)"] += 1
        if grant_type not in ("authorization_code", "refresh_token"):
            if not grant_type:
                return lwa_error(
                    400, "invalid_request", "The request is missing grant_type."
                )
            return lwa_error(
                400,
                "unsupported_grant_type",
                f"The authorization grant type {grant_type} is not supported.",
            )
        needed = (
            ("code", "redirect_uri", "client_id", "client_secret")
            if grant_type == "authorization_code"
            else ("refresh_token", "client_id", "client_secret")
        )
        if absent := [name for name in needed if not form.get(name)]:
            return lwa_error(
                400,
                "invalid_request",
                f"The request is missing a required parameter : {absent[0]}",
            )
        application = sim.state.application_by_client_id(form["client_id"])
        if application is None or not secrets.compare_digest(
            application.client_secret, form["client_secret"]
        ):
            return lwa_error(401, "invalid_client", "Client authentication failed")
        if grant_type == "authorization_code":
            return exchange_code(sim, application, form)
        grant = sim.state.grants.get(form["refresh_token"])
        if grant is None or grant.application_id != application.application_id:
            return lwa_error(
                400,
                "invalid_grant",
                "The request has an invalid grant parameter : refresh_token",
            )
        access = sim.issue_access_token(grant.selling_partner_id, grant.application_id)
        return token_response(access.token, grant.refresh_token)


def exchange_code(sim: Any, application: Application, form: dict[str, str]) -> Response:
    code = sim.state.codes.get(form["code"])
    if code is None or code.application_id != application.application_id:
        return lwa_error(
            400, "invalid_grant", "The request has an invalid grant parameter : code"
        )
    if code.used:
        return lwa_error(
            400, "invalid_grant", "The authorization code has already been used."
        )
    if code.expires_at <= sim.clock.time():
        return lwa_error(400, "invalid_grant", "The authorization code has expired.")
    if code.redirect_uri != form["redirect_uri"]:
        return lwa_error(
            400,
            "invalid_grant",
            "The redirect_uri does not match the one used for authorization.",
        )
    code.used = True
    grant = Grant(
        refresh_token="Atzr|" + secrets.token_urlsafe(96),
        selling_partner_id=code.selling_partner_id,
        application_id=application.application_id,
        created=sim.clock.time(),
    )
    sim.state.grants[grant.refresh_token] = grant
    sim.persist()
    access = sim.issue_access_token(grant.selling_partner_id, grant.application_id)
    return token_response(access.token, grant.refresh_token)


def token_response(access_token: str, refresh_token: str) -> Response:
    response = Response.json(
        {
            "access_token": access_token,
            "refresh_token": refresh_token,
            "token_type": "bearer",
            "expires_in": ACCESS_TOKEN_SECONDS,
        }
    )
    response.headers = [*TOKEN_HEADERS]
    return response


ROUTES = [
    ("GET", "/apps/authorize/consent", consent, None),
    ("POST", "/apps/authorize/consent", consent, None),
    ("POST", "/auth/o2/token", token, None),
]
