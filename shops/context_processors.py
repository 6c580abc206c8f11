from django.http import HttpRequest

from shops.models import Membership


def current_shop(request: HttpRequest) -> dict:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"current_shop": None, "current_membership": None, "my_memberships": []}
    return {
        "current_shop": membership.shop,
        "current_membership": membership,
        # Evaluated only when the shop switcher is rendered.
        "my_memberships": Membership.objects.filter(user=request.user)
        .select_related("shop")
        .order_by("shop__name"),
    }
