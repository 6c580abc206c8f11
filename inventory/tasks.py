from celery import shared_task

from inventory.transfer import services as transfer


@shared_task
def import_run(import_id: int) -> None:
    """Import a queued inventory file; a job already taken is left alone."""
    transfer.import_job_run(import_id=import_id)
