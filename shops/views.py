import uuid

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from shops import services
from shops.access import get_for_shop_or_404, shop_required, switch_shop
from shops.forms import (
    AcceptInvitationForm,
    InvitationForm,
    RoleForm,
    ShopForm,
    SignUpForm,
)
from shops.models import Invitation, Membership, Shop, User


@login_not_required
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, shop = services.user_sign_up(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            shop_name=form.cleaned_data["shop_name"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        switch_shop(request, shop)
        messages.success(request, f"Welcome to Shelfmark. {shop.name} is ready.")
        return redirect("dashboard")
    return render(request, "shops/sign_up.html", {"form": form})


def shop_create(request: HttpRequest) -> HttpResponse:
    form = ShopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        shop = services.shop_create(name=form.cleaned_data["name"], owner=request.user)
        switch_shop(request, shop)
        messages.success(request, f"{shop.name} is ready.")
        return redirect("dashboard")
    return render(request, "shops/shop_create.html", {"form": form})


@require_POST
def shop_switch(request: HttpRequest) -> HttpResponse:
    membership = (
        Membership.objects.filter(
            user=request.user, shop__public_id=request.POST.get("shop", "")
        )
        .select_related("shop")
        .first()
        if _is_uuid(request.POST.get("shop", ""))
        else None
    )
    if membership is None:
        messages.error(request, "You are not a member of that shop.")
        return redirect("dashboard")
    switch_shop(request, membership.shop)
    messages.info(request, f"You are now working in {membership.shop.name}.")
    return redirect("dashboard")


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@shop_required
def members(request: HttpRequest) -> HttpResponse:
    shop: Shop = request.shop
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not request.membership.is_owner:
            messages.error(request, "Only the shop's owners can invite people.")
            return redirect("shops:members")
        if form.is_valid():
            try:
                services.invitation_create(
                    shop=shop,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                )
            except services.ShopError as error:
                form.add_error("email", str(error))
            else:
                messages.success(
                    request, f"Invitation sent to {form.cleaned_data['email']}."
                )
                return redirect("shops:members")
    context = {
        "shop": shop,
        "memberships": Membership.objects.for_shop(shop).select_related("user"),
        "invitations": Invitation.objects.for_shop(shop).pending(),
        "form": form,
        "role_choices": Membership.Role.choices,
    }
    return render(request, "shops/members.html", context)


@require_POST
@shop_required(owner=True)
def member_role(request: HttpRequest, membership_id) -> HttpResponse:
    membership = get_for_shop_or_404(
        request, Membership.objects.select_related("user"), public_id=membership_id
    )
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role from the list.")
        return redirect("shops:members")
    try:
        services.membership_change_role(
            membership=membership, role=form.cleaned_data["role"]
        )
    except services.ShopError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"{membership.user} is now {membership.get_role_display()}."
        )
    return redirect("shops:members")


@shop_required(owner=True)
def member_remove(request: HttpRequest, membership_id) -> HttpResponse:
    membership = get_for_shop_or_404(
        request, Membership.objects.select_related("user"), public_id=membership_id
    )
    if request.method != "POST":
        return render(request, "shops/member_remove.html", {"membership": membership})
    try:
        services.membership_remove(membership=membership)
    except services.ShopError as error:
        messages.error(request, str(error))
        return redirect("shops:members")
    messages.success(request, f"{membership.user} no longer works in this shop.")
    if membership.user_id == request.user.pk:
        return redirect("dashboard")
    return redirect("shops:members")


@require_POST
@shop_required(owner=True)
def invitation_cancel(request: HttpRequest, invitation_id) -> HttpResponse:
    invitation = get_for_shop_or_404(
        request,
        Invitation.objects.filter(accepted_at__isnull=True),
        public_id=invitation_id,
    )
    invitation.delete()
    messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect("shops:members")


@login_not_required
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Join a shop from an emailed link, creating an account if needed."""
    try:
        invite = services.invitation_for_token(token)
    except services.ShopError as error:
        return render(
            request, "shops/invitation.html", {"error": str(error)}, status=410
        )
    existing = User.objects.filter(email__iexact=invite.email).first()
    form = None
    if not request.user.is_authenticated and existing is None:
        form = AcceptInvitationForm(request.POST or None, email=invite.email)
    if request.method == "POST":
        user = request.user if request.user.is_authenticated else None
        if user is None and form is not None and form.is_valid():
            user = User.objects.create_user(
                email=invite.email,
                password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"],
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if user is not None:
            try:
                membership = services.invitation_accept(token=token, user=user)
            except services.ShopError as error:
                messages.error(request, str(error))
                return redirect("dashboard")
            switch_shop(request, membership.shop)
            messages.success(request, f"You have joined {membership.shop.name}.")
            return redirect("dashboard")
    context = {"invitation": invite, "form": form, "has_account": existing is not None}
    return render(request, "shops/invitation.html", context)
