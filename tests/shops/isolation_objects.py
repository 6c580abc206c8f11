from shops.models import Invitation, Membership, User
from tests.isolation import shop_object


@shop_object("membership_id")
def membership(shop):
    user = User.objects.create_user(email=f"member-{shop.slug}@example.com")
    return Membership.objects.create(shop=shop, user=user, role=Membership.Role.OWNER)


@shop_object("invitation_id")
def invitation(shop):
    _, token_hash = Invitation.new_token()
    return Invitation.objects.create(
        shop=shop,
        email=f"invitee-{shop.slug}@example.com",
        token_hash=token_hash,
        expires_at=Invitation.default_expiry(),
    )
