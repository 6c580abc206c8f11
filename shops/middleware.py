from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from shops.access import membership_for_request


class CurrentShopMiddleware:
    """Set ``request.membership`` and ``request.shop`` for signed-in users."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = membership_for_request(request)
        request.membership = membership
        request.shop = membership.shop if membership else None
        return self.get_response(request)
