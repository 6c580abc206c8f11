"""Importing inventory files into a shop, in chunks, and the import jobs.

``records_import`` is the one path for every file, whether the page's
background job or the ``import_inventory`` command reads it. Rows are matched
to records by record number, a chunk at a time: one query finds the chunk's
existing records, one bulk insert adds the new ones, one bulk update per set
of changed fields changes the rest (see ``bulk``), and the records that
changed are set pending for upload. A row that cannot be read is reported
with its line and skipped; a file that is not what it claims is refused
before anything changes.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import islice
from typing import Any, BinaryIO

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from inventory.listing import records_mark_changed
from inventory.models import ImportJob, InventorySettings, Record
from inventory.transfer import bulk
from inventory.transfer.columns import RowError, row_clean
from inventory.transfer.importers import READERS
from inventory.transfer.reading import FileRejected, inspect, open_text
from shops.models import Shop, User

logger = logging.getLogger(__name__)

DUPLICATE_SKU = "Record number {sku} is also on line {line}; this row was skipped."
IMPORT_CRASHED = (
    "The import stopped on an unexpected error after {row} rows; the rows "
    "before were imported. Importing the file again is safe."
)
ERRORS_CUT = "Only the first {limit} of {count} errors are listed."
IGNORED_COLUMNS = "Columns not read: {names}."

CHUNK = 1000
ERRORS_KEPT = 1000
# A job still running after this long lost its worker; a redelivered task
# may take it over (imports by record number are safe to repeat).
STALE_AFTER = timedelta(hours=1)

FORMAT_LABELS = dict(ImportJob.Format.choices)


@dataclass
class ImportResult:
    processed: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    estimate: int = 0

    def add_error(self, line: int, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append({"line": line, "reason": reason})

    @property
    def summary(self) -> str:
        notes = []
        if self.error_count > len(self.errors):
            notes.append(ERRORS_CUT.format(limit=ERRORS_KEPT, count=self.error_count))
        if self.ignored:
            notes.append(IGNORED_COLUMNS.format(names=", ".join(self.ignored)))
        return " ".join(notes)


Progress = Callable[[ImportResult], None]


def records_import(
    *,
    shop: Shop,
    format: str,
    stream: BinaryIO,
    progress: Progress | None = None,
    chunk_size: int = CHUNK,
) -> ImportResult:
    """Create or update the shop's records from an inventory file.

    ``stream`` is the file, opened in binary and seekable. Raises
    ``FileRejected`` (nothing changed) if it is not a file of ``format``.
    """
    inspection, text, reader = _open(shop, format, stream)
    estimate = inspection.records if format == "uiee" else inspection.lines - 1
    result = ImportResult(ignored=reader.ignored, estimate=max(estimate, 0))
    seen: dict[str, int] = {}
    rows = iter(reader)
    while chunk := list(islice(rows, chunk_size)):
        _import_chunk(shop, chunk, seen, result)
        if progress is not None:
            progress(result)
    text.close()
    logger.info(
        "Imported %s file into shop %s: %d created, %d updated, %d errors",
        format,
        shop.slug,
        result.created,
        result.updated,
        result.error_count,
    )
    return result


def import_file_check(*, shop: Shop, format: str, stream: BinaryIO) -> None:
    """Raise ``FileRejected`` if ``stream`` is not a file of ``format``.

    Reads the whole file once (the same check the import makes first), so
    the uploader sees the reason at once; changes nothing.
    """
    _inspection, text, _reader = _open(shop, format, stream)
    text.detach()
    stream.seek(0)


def _open(shop: Shop, format: str, stream: BinaryIO):
    inspection = inspect(stream, format_label=FORMAT_LABELS[format])
    text = open_text(stream, inspection, newline="" if format == "csv" else None)
    # Read, never created here: checking a file must change nothing.
    settings = InventorySettings.objects.for_shop(shop).first() or InventorySettings()
    reader = READERS[format](
        text,
        extra_headers={
            settings.price_label: "price",
            settings.price2_label: "price2",
            settings.price3_label: "price3",
        },
    )
    return inspection, text, reader


def _import_chunk(
    shop: Shop,
    chunk: list[tuple[int, dict[str, str] | RowError]],
    seen: dict[str, int],
    result: ImportResult,
) -> None:
    rows: dict[str, dict[str, Any]] = {}
    for line, raw in chunk:
        result.processed += 1
        if isinstance(raw, RowError):
            result.add_error(line, str(raw))
            continue
        try:
            values = row_clean(raw)
        except RowError as error:
            result.add_error(line, str(error))
            continue
        sku = values["sku"]
        if sku in seen:
            result.add_error(line, DUPLICATE_SKU.format(sku=sku, line=seen[sku]))
            continue
        seen[sku] = line
        rows[sku] = values
    if not rows:
        return
    try:
        created, updated, unchanged = _write(shop, rows)
    except IntegrityError:
        # Someone added one of these record numbers meanwhile: look again.
        created, updated, unchanged = _write(shop, rows)
    result.created += created
    result.updated += updated
    result.unchanged += unchanged


@transaction.atomic
def _write(shop: Shop, rows: dict[str, dict[str, Any]]) -> tuple[int, int, int]:
    names = sorted({name for values in rows.values() for name in values})
    records = Record.objects.for_shop(shop)
    existing = {
        found["sku"]: found
        for found in records.filter(sku__in=list(rows)).values("pk", *names)
    }
    new: list[dict[str, Any]] = []
    changes: dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]] = {}
    unchanged = 0
    for sku, values in rows.items():
        current = existing.get(sku)
        if current is None:
            new.append(values)
            continue
        changed = tuple(
            name for name, value in values.items() if current[name] != value
        )
        if changed:
            changes.setdefault(changed, []).append((current["pk"], values))
        else:
            unchanged += 1
    if new:
        bulk.records_insert(shop=shop, rows=new)
        new_ids = records.filter(sku__in=[values["sku"] for values in new])
        records_mark_changed(
            shop=shop, record_ids=list(new_ids.values_list("pk", flat=True))
        )
    for changed, updates in changes.items():
        bulk.records_update(names=changed, rows=updates)
        records_mark_changed(
            shop=shop,
            record_ids=[pk for pk, _values in updates],
            changed_fields=changed,
        )
    updated = sum(len(updates) for updates in changes.values())
    return len(new), updated, unchanged


# Import jobs ----------------------------------------------------------------


def import_job_create(
    *, shop: Shop, user: User | None, format: str, upload: UploadedFile
) -> ImportJob:
    """Store an uploaded file; queue its import when this transaction ends."""
    from inventory.tasks import import_run

    job = ImportJob(
        shop=shop,
        created_by=user,
        format=format,
        original_name=(upload.name or "")[:255],
    )
    job.file.save(upload.name or "inventory", upload, save=False)
    job.save()
    import_run.delay_on_commit(job.pk)
    logger.info("Import %s of a %s file queued for shop %s", job.pk, format, shop.slug)
    return job


def _claim(import_id: int) -> bool:
    now = timezone.now()
    queued = ImportJob.objects.filter(pk=import_id, status=ImportJob.Status.QUEUED)
    stale = ImportJob.objects.filter(
        pk=import_id,
        status=ImportJob.Status.RUNNING,
        started__lt=now - STALE_AFTER,
    )
    return bool(
        queued.update(status=ImportJob.Status.RUNNING, started=now)
        or stale.update(started=now)
    )


def import_job_run(*, import_id: int) -> None:
    """Run a queued import job; a job already taken is left alone."""
    if not _claim(import_id):
        logger.info("Import %s is not waiting to run; nothing to do", import_id)
        return
    job = ImportJob.objects.select_related("shop").get(pk=import_id)
    jobs = ImportJob.objects.filter(pk=import_id)

    def report(result: ImportResult) -> None:
        jobs.update(
            total_rows=max(result.estimate, result.processed),
            processed_rows=result.processed,
            created_count=result.created,
            updated_count=result.updated,
            error_count=result.error_count,
        )

    try:
        with job.file.open("rb") as handle:
            result = records_import(
                shop=job.shop, format=job.format, stream=handle, progress=report
            )
    except FileRejected as rejection:
        jobs.update(
            status=ImportJob.Status.FAILED,
            message=str(rejection),
            finished=timezone.now(),
        )
        logger.info(
            "Import %s refused for shop %s: %s", job.pk, job.shop.slug, rejection
        )
    except Exception:
        processed = jobs.values_list("processed_rows", flat=True).first() or 0
        jobs.update(
            status=ImportJob.Status.FAILED,
            message=IMPORT_CRASHED.format(row=processed),
            finished=timezone.now(),
        )
        logger.exception("Import %s failed for shop %s", job.pk, job.shop.slug)
        raise
    else:
        report(result)
        jobs.update(
            status=ImportJob.Status.DONE,
            total_rows=result.processed,
            errors=result.errors,
            message=result.summary,
            finished=timezone.now(),
        )
    finally:
        job.file.delete(save=False)
        jobs.update(file="")
