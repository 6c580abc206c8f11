"""Upload schedules: beat tasks in step, runs started, live runs skipped."""

import datetime
import json
import logging

from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from reconcile import services
from reconcile.models import UploadSchedule
from tests.reconcile.conftest import make_record
from uploads.models import UploadRun


def _schedule(shop, **fields):
    fields.setdefault("kind", UploadSchedule.Kind.INTERVAL)
    return services.schedule_save(schedule=UploadSchedule(shop=shop, **fields))


def test_a_schedule_every_few_hours_gets_its_beat_task(shop):
    schedule = _schedule(shop, every_hours=6)

    task = PeriodicTask.objects.get(name=schedule.task_name)
    assert task.task == "reconcile.tasks.scheduled_upload"
    assert json.loads(task.args) == [schedule.pk]
    assert (task.interval.every, task.interval.period) == (6, "hours")
    assert task.crontab is None
    assert task.enabled


def test_a_daily_schedule_runs_at_its_time(shop):
    schedule = _schedule(
        shop, kind=UploadSchedule.Kind.DAILY, at_time=datetime.time(5, 45)
    )

    task = PeriodicTask.objects.get(name=schedule.task_name)
    assert (task.crontab.hour, task.crontab.minute) == ("5", "45")
    assert task.interval is None


def test_changing_a_schedule_changes_its_task(shop):
    schedule = _schedule(shop, every_hours=6)
    schedule.kind = UploadSchedule.Kind.DAILY
    schedule.at_time = datetime.time(22, 0)
    schedule.enabled = False
    services.schedule_save(schedule=schedule)

    task = PeriodicTask.objects.get(name=schedule.task_name)
    assert PeriodicTask.objects.filter(name__startswith="Scheduled upload").count() == 1
    assert task.crontab.hour == "22"
    assert task.interval is None
    assert not task.enabled


def test_deleting_a_schedule_deletes_its_task(shop):
    schedule = _schedule(shop, every_hours=2)

    services.schedule_delete(schedule=schedule)

    assert not PeriodicTask.objects.filter(name=schedule.task_name).exists()


def test_a_scheduled_turn_starts_an_upload(
    shop, amazon_us, django_capture_on_commit_callbacks
):
    make_record(shop, "1001", "The Hobbit", isbn="9780261103344")
    schedule = _schedule(shop, every_hours=6)

    with django_capture_on_commit_callbacks():
        outcome = services.schedule_run(schedule_id=schedule.pk)

    run = UploadRun.objects.get()
    assert run.trigger == UploadRun.Trigger.SCHEDULE
    assert run.created_by is None
    assert outcome == "Started uploads to Amazon US."
    schedule.refresh_from_db()
    assert schedule.last_outcome == outcome


def test_a_turn_is_skipped_quietly_while_an_upload_runs(shop, amazon_us, caplog):
    make_record(shop, "1001", "The Hobbit", isbn="9780261103344")
    UploadRun.objects.create(
        shop=shop, service=amazon_us, state=UploadRun.State.PROCESSING
    )
    schedule = _schedule(shop, every_hours=6)

    with caplog.at_level(logging.INFO, logger="reconcile.services"):
        outcome = services.schedule_run(schedule_id=schedule.pk)

    assert outcome == services.SKIPPED_LIVE
    assert UploadRun.objects.count() == 1
    assert "old-books: scheduled upload" in caplog.text
    assert "an upload is running" in caplog.text


def test_a_turn_with_nothing_to_send_is_skipped(shop, amazon_us):
    schedule = _schedule(shop, every_hours=6)

    assert services.schedule_run(schedule_id=schedule.pk) == services.SKIPPED_NOTHING
    assert not UploadRun.objects.exists()


def test_a_vanished_schedule_is_a_no_op(shop):
    assert services.schedule_run(schedule_id=999) == "gone"


def test_the_export_log_shows_scheduled_runs(owner_client, shop, amazon_us):
    UploadRun.objects.create(
        shop=shop,
        service=amazon_us,
        trigger=UploadRun.Trigger.SCHEDULE,
        state=UploadRun.State.DONE,
    )

    page = owner_client.get(reverse("uploads:export_log")).content.decode()

    assert "Schedule" in page


def test_owners_add_schedules_from_the_settings_page(owner_client, shop, amazon_us):
    response = owner_client.post(
        reverse("reconcile:schedule_add"),
        {
            "service": str(amazon_us.public_id),
            "kind": "daily",
            "at_time": "06:30",
            "every_hours": "6",
            "enabled": "on",
        },
    )

    assert response.status_code == 302
    schedule = UploadSchedule.objects.get()
    assert schedule.service == amazon_us
    assert PeriodicTask.objects.get(name=schedule.task_name).crontab.hour == "6"
    page = owner_client.get(reverse("reconcile:schedules")).content.decode()
    assert "Daily at 06:30" in page
    assert "Amazon US" in page


def test_a_daily_schedule_needs_a_time(owner_client, shop):
    response = owner_client.post(
        reverse("reconcile:schedule_add"),
        {"kind": "daily", "every_hours": "6", "enabled": "on"},
    )

    assert response.status_code == 200
    assert "Choose the time of day" in response.content.decode()
    assert not UploadSchedule.objects.exists()


def test_a_staff_member_edits_a_schedule(staff_client, shop):
    schedule = _schedule(shop, every_hours=6)

    staff_client.post(
        reverse("reconcile:schedule_edit", args=[schedule.public_id]),
        {"kind": "interval", "every_hours": "3", "enabled": "on"},
    )

    task = PeriodicTask.objects.get(name=schedule.task_name)
    assert task.interval.every == 3


def test_the_online_page_links_to_the_checks_and_schedules(owner_client, shop):
    page = owner_client.get(reverse("marketplace:online")).content.decode()

    assert reverse("reconcile:listings") in page
    assert reverse("reconcile:schedules") in page
