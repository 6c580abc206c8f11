"""Celery against a real worker process and a real Redis."""

import time

import pytest

from shops import services
from tests.services import Worker


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.worker
def test_a_real_worker_sends_the_invitation_email(
    transactional_db, shop, owner, redis_client, tmp_path
):
    redis_client.flushdb()
    worker = Worker(
        extra_env={
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(tmp_path),
        }
    )
    try:
        _, token = services.invitation_create(
            shop=shop, email="clerk@oldbooks.example", role="staff", invited_by=owner
        )
        assert wait_for(lambda: any(tmp_path.iterdir())), worker.log
        email = next(tmp_path.iterdir()).read_text()
        assert "To: clerk@oldbooks.example" in email
        assert f"/invitations/{token}/" in email
        # The worker logs through Django's LOGGING, in its format.
        assert wait_for(lambda: "INFO shops.tasks: Invitation email sent" in worker.log)
    finally:
        worker.stop()


@pytest.mark.worker
def test_tasks_use_json_and_are_acknowledged_late():
    from config.celery import app

    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_time_limit > app.conf.task_soft_time_limit > 0
