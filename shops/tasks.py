import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from shops.models import Invitation

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(ConnectionError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def send_invitation_email(invitation_id: int, token: str) -> None:
    invitation = (
        Invitation.objects.filter(pk=invitation_id, accepted_at__isnull=True)
        .select_related("shop", "invited_by")
        .first()
    )
    if invitation is None:
        logger.info("Invitation %s is gone or used; no email sent", invitation_id)
        return
    link = settings.SITE_URL.rstrip("/") + reverse(
        "shops:invitation", kwargs={"token": token}
    )
    context = {"invitation": invitation, "link": link}
    send_mail(
        subject=f"You are invited to {invitation.shop.name} on Shelfmark",
        message=render_to_string("shops/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
    logger.info("Invitation email sent for shop %s", invitation.shop.slug)
