"""Workflows that change shops and who works in them."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from shops.models import Invitation, Membership, Shop, User

logger = logging.getLogger(__name__)

LAST_OWNER = "A shop needs at least one owner: make someone else an owner first."
INVITATION_UNKNOWN = "This invitation link is not valid. Ask the shop for a new one."
INVITATION_USED = "This invitation has already been used."
INVITATION_EXPIRED = "This invitation has expired. Ask the shop for a new one."
INVITATION_OTHER_EMAIL = (
    "This invitation was sent to {email}. Sign in with that address to accept it."
)
ALREADY_MEMBER = "{email} is already a member of this shop."


class ShopError(Exception):
    """A request that the shop's rules refuse; the message is shown as is."""


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "shop"
    slug, n = base, 1
    while Shop.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def shop_create(*, name: str, owner: User, slug: str | None = None) -> Shop:
    shop = Shop.objects.create(name=name, slug=slug or _unique_slug(name))
    Membership.objects.create(shop=shop, user=owner, role=Membership.Role.OWNER)
    logger.info("Shop %s created by user %s", shop.slug, owner.pk)
    return shop


@transaction.atomic
def user_sign_up(*, email: str, password: str, shop_name: str) -> tuple[User, Shop]:
    user = User.objects.create_user(email=email, password=password)
    return user, shop_create(name=shop_name, owner=user)


@transaction.atomic
def invitation_create(
    *, shop: Shop, email: str, role: str, invited_by: User
) -> tuple[Invitation, str]:
    """Invite ``email`` to ``shop``; replaces any open invitation to the same
    address. Returns the invitation and the token for its link, which is
    emailed once the transaction commits."""
    from shops.tasks import send_invitation_email

    email = email.strip().lower()
    if Membership.objects.filter(shop=shop, user__email__iexact=email).exists():
        raise ShopError(ALREADY_MEMBER.format(email=email))
    Invitation.objects.for_shop(shop).filter(
        email__iexact=email, accepted_at__isnull=True
    ).delete()
    token, token_hash = Invitation.new_token()
    invitation = Invitation.objects.create(
        shop=shop,
        email=email,
        role=role,
        token_hash=token_hash,
        invited_by=invited_by,
        expires_at=Invitation.default_expiry(),
    )
    send_invitation_email.delay_on_commit(invitation.pk, token)
    logger.info("Shop %s invited %s as %s", shop.slug, email, role)
    return invitation, token


def invitation_for_token(token: str) -> Invitation:
    invitation = Invitation.objects.with_token(token).select_related("shop").first()
    if invitation is None:
        raise ShopError(INVITATION_UNKNOWN)
    if invitation.accepted_at is not None:
        raise ShopError(INVITATION_USED)
    if invitation.is_expired:
        raise ShopError(INVITATION_EXPIRED)
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    invitation = invitation_for_token(token)
    if invitation.email.lower() != user.email.lower():
        raise ShopError(INVITATION_OTHER_EMAIL.format(email=invitation.email))
    # Claim the invitation: only one request can turn accepted_at from null.
    claimed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True
    ).update(accepted_at=timezone.now())
    if not claimed:
        raise ShopError(INVITATION_USED)
    membership, _ = Membership.objects.get_or_create(
        shop=invitation.shop, user=user, defaults={"role": invitation.role}
    )
    logger.info("User %s joined shop %s", user.pk, invitation.shop.slug)
    return membership


def _other_owners(membership: Membership) -> bool:
    return (
        Membership.objects.for_shop(membership.shop)
        .filter(role=Membership.Role.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    if (
        membership.role == Membership.Role.OWNER
        and role != Membership.Role.OWNER
        and not _other_owners(membership)
    ):
        raise ShopError(LAST_OWNER)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    if membership.role == Membership.Role.OWNER and not _other_owners(membership):
        raise ShopError(LAST_OWNER)
    logger.info(
        "User %s removed from shop %s", membership.user_id, membership.shop.slug
    )
    membership.delete()
