from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace import services
from marketplace.forms import ServiceAddForm, ServiceForm, price_field_choices
from marketplace.models import Service
from marketplace.spapi.marketplaces import MARKETPLACES, spapi_endpoint
from shops.access import get_for_shop_or_404, shop_required

READ_ONLY = "Your role in this shop is read-only."
CHOOSE_MARKETPLACE = "Choose a marketplace this shop does not have yet."


def _endpoint(service: Service) -> str:
    return spapi_endpoint(MARKETPLACES[service.marketplace].region)


@require_GET
@shop_required
def online(request: HttpRequest) -> HttpResponse:
    shop_services = list(Service.objects.for_shop(request.shop))
    price_labels = dict(price_field_choices(request.shop))
    for service in shop_services:
        service.endpoint = _endpoint(service)
        service.price_label = price_labels[service.price_field]
    add_form = ServiceAddForm(shop=request.shop)
    return render(
        request,
        "marketplace/online.html",
        {
            "services": shop_services,
            "add_form": add_form if add_form.fields["marketplace"].choices else None,
            "can_write": request.membership.can_write,
            "is_owner": request.membership.is_owner,
        },
    )


@require_POST
@shop_required(write=True)
def service_add(request: HttpRequest) -> HttpResponse:
    form = ServiceAddForm(request.POST, shop=request.shop)
    if not form.is_valid():
        messages.error(request, CHOOSE_MARKETPLACE)
        return redirect("marketplace:online")
    try:
        service = services.service_create(
            shop=request.shop, marketplace=form.cleaned_data["marketplace"]
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("marketplace:online")
    messages.success(request, f"{service.get_marketplace_display()} added.")
    return redirect("marketplace:service_edit", service_id=service.public_id)


@require_http_methods(["GET", "POST"])
@shop_required
def service_edit(request: HttpRequest, service_id) -> HttpResponse:
    service = get_for_shop_or_404(request, Service, public_id=service_id)
    can_write = request.membership.can_write
    if request.method == "POST" and not can_write:
        raise PermissionDenied(READ_ONLY)
    form = ServiceForm(request.POST or None, instance=service, shop=request.shop)
    if request.method == "POST" and form.is_valid():
        services.service_update(service=service, data=form.cleaned_data)
        messages.success(request, f"{service.get_marketplace_display()} saved.")
        return redirect("marketplace:online")
    if not can_write:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "marketplace/service_form.html",
        {
            "service": service,
            "form": form,
            "endpoint": _endpoint(service),
            "can_write": can_write,
            "is_owner": request.membership.is_owner,
        },
    )


@require_POST
@shop_required(write=True)
def service_activate(request: HttpRequest, service_id) -> HttpResponse:
    service = get_for_shop_or_404(request, Service, public_id=service_id)
    active = request.POST.get("active") == "true"
    services.service_set_active(service=service, is_active=active)
    state = "active" if active else "inactive"
    messages.success(request, f"{service.get_marketplace_display()} is {state}.")
    return redirect("marketplace:online")


@require_POST
@shop_required(owner=True)
def amazon_register(request: HttpRequest, service_id) -> HttpResponse:
    service = get_for_shop_or_404(request, Service, public_id=service_id)
    url = services.registration_start(
        user=request.user, shop=request.shop, service=service
    )
    return redirect(url)


@require_GET
@shop_required
def amazon_callback(request: HttpRequest) -> HttpResponse:
    """Where Seller Central sends the seller back after the consent page."""
    try:
        service = services.registration_complete(
            user=request.user, shop=request.shop, params=request.GET.dict()
        )
    except services.RegistrationFailed as failure:
        messages.error(request, failure.message)
    else:
        messages.success(
            request,
            f"{service.get_marketplace_display()} is registered with Amazon "
            f"seller {service.selling_partner_id}.",
        )
    response = redirect("marketplace:online")
    # The URL carried an authorization code: let no page after this see it.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@require_POST
@shop_required(owner=True)
def amazon_disconnect(request: HttpRequest, service_id) -> HttpResponse:
    service = get_for_shop_or_404(request, Service, public_id=service_id)
    services.service_disconnect(service=service)
    messages.success(
        request,
        f"{service.get_marketplace_display()} is disconnected from Amazon; "
        "its token is forgotten.",
    )
    return redirect("marketplace:online")
