"""Scoping every request to the shop its user is working in.

Views reach shop data only through ``request.shop`` and
``get_for_shop_or_404``; anything that belongs to another shop is a 404, never
a 403, so its existence is not revealed.
"""

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from shops.models import Membership, Shop

SESSION_KEY = "shelfmark_shop_id"

M = TypeVar("M", bound=models.Model)


def membership_for_request(request: HttpRequest) -> Membership | None:
    """Return the membership of the shop the user last chose, or the first."""
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = Membership.objects.filter(user=user).select_related("shop")
    shop_id = request.session.get(SESSION_KEY)
    if shop_id is not None:
        chosen = memberships.filter(shop_id=shop_id).first()
        if chosen is not None:
            return chosen
    first = memberships.order_by("created").first()
    if first is not None:
        request.session[SESSION_KEY] = first.shop_id
    return first


def switch_shop(request: HttpRequest, shop: Shop) -> None:
    request.session[SESSION_KEY] = shop.pk


def shop_required(
    view: Callable | None = None, *, write: bool = False, owner: bool = False
):
    """Require a current shop; ``write`` needs owner or staff, ``owner`` an
    owner.

    Read-only members get 403 on anything that changes data.
    """

    def decorator(func: Callable[..., HttpResponse]):
        @wraps(func)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            membership = request.membership
            if membership is None:
                return redirect("shops:create")
            if owner and not membership.is_owner:
                raise PermissionDenied("Only the shop's owners can do this.")
            if write and not membership.can_write:
                raise PermissionDenied("Your role in this shop is read-only.")
            return func(request, *args, **kwargs)

        return wrapper

    if view is not None:
        return decorator(view)
    return decorator


def get_for_shop_or_404(
    request: HttpRequest, source: type[M] | models.QuerySet, **lookup
) -> M:
    """Fetch one object of the request's shop; anything else is a 404."""
    queryset = source._default_manager.all() if isinstance(source, type) else source
    try:
        return queryset.filter(shop=request.shop).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("No such object in this shop.") from None
