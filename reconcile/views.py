"""The dashboard, listings checks, purge and replace, and upload schedules."""

import csv
import logging
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseStopPolling

from marketplace.models import Service
from reconcile import selectors, services
from reconcile.charts import upload_chart
from reconcile.forms import LISTS, ReplaceForm, ScheduleForm, SetForUploadForm
from reconcile.models import ListingsSnapshot, UploadSchedule
from shops.access import get_for_shop_or_404, shop_required

logger = logging.getLogger(__name__)

READ_ONLY = "Your role in this shop is read-only."
CHECK_STARTED = "Asking Amazon for the listings of {service}."
BACKUP_STARTED = (
    "Taking a backup of the listings of {service} before the purge and replace."
)
SET_FOR_UPLOAD = "{count} record{s} set for upload."
DELETING = "Deleting {count} listing{s} at Amazon."
COPIED = "Identifiers copied into {count} record{s}; they are set for upload."
REPLACE_STARTED = "Purge and replace of {service} started."
SCHEDULE_SAVED = "Schedule saved: {schedule}."
SCHEDULE_DELETED = "Schedule deleted."
REPORT_GONE = "This report is no longer kept."
NO_SUCH_LIST = "No such list."

SNAPSHOT_PAGE = "reconcile/snapshot.html"
SHOWN = 50  # items shown per list; the CSV has them all


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


# The dashboard


@require_GET
@shop_required
def dashboard(request: HttpRequest) -> HttpResponse:
    overview = selectors.overview(request.shop)
    return render(
        request,
        "reconcile/dashboard.html",
        {
            "shop": request.shop,
            "overview": overview,
            "chart": upload_chart(overview.days),
        },
    )


# Listings checks


@require_GET
@shop_required
def listings(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reconcile/listings.html",
        {
            "rows": selectors.services_with_checks(request.shop),
            "can_write": request.membership.can_write,
        },
    )


def _start(request: HttpRequest, service_id, purpose: str) -> HttpResponse:
    service = get_for_shop_or_404(request, Service, public_id=service_id)
    try:
        snapshot = services.snapshot_start(
            service=service, user=request.user, purpose=purpose
        )
    except services.ReconcileError as error:
        messages.error(request, str(error))
        return redirect("reconcile:listings")
    started = CHECK_STARTED
    if purpose == ListingsSnapshot.Purpose.BACKUP:
        started = BACKUP_STARTED
    messages.success(request, started.format(service=service.get_marketplace_display()))
    return redirect("reconcile:snapshot", snapshot_id=snapshot.public_id)


@require_POST
@shop_required(write=True)
def check_start(request: HttpRequest, service_id) -> HttpResponse:
    return _start(request, service_id, ListingsSnapshot.Purpose.CHECK)


@require_POST
@shop_required(write=True)
def replace_prepare(request: HttpRequest, service_id) -> HttpResponse:
    """A purge and replace starts by keeping the current listings."""
    return _start(request, service_id, ListingsSnapshot.Purpose.BACKUP)


def _snapshot_or_404(request: HttpRequest, snapshot_id) -> ListingsSnapshot:
    snapshots = ListingsSnapshot.objects.select_related(
        "service", "created_by", "replace_run"
    )
    return get_for_shop_or_404(request, snapshots, public_id=snapshot_id)


@require_GET
@shop_required
def snapshot(request: HttpRequest, snapshot_id) -> HttpResponse:
    """A check: its progress while Amazon works, then its lists."""
    found = _snapshot_or_404(request, snapshot_id)
    context = {"snapshot": found, "can_write": request.membership.can_write}
    if request.htmx:
        response = render(request, f"{SNAPSHOT_PAGE}#snapshot_status", context)
        if not found.is_live:
            # The lists are outside the polled region: reload the page once.
            response.status_code = HttpResponseStopPolling.status_code
            response["HX-Refresh"] = "true"
        return response
    current = found.state == ListingsSnapshot.State.DONE and (
        selectors.snapshot_is_current(found)
    )
    lists = []
    if current:
        for kind in LISTS:
            items = selectors.snapshot_items(found, kind).select_related("record")
            lists.append(
                {
                    "name": kind,
                    "count": found.count(kind),
                    "items": list(items[:SHOWN]),
                }
            )
    context.update(
        current=current,
        lists={entry["name"]: entry for entry in lists},
        shown=SHOWN,
        backup_problem=selectors.backup_problem(found) if current else None,
    )
    return render(request, SNAPSHOT_PAGE, context)


def _media_file(relative: str) -> Path:
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if not relative or root not in path.parents or not path.is_file():
        raise Http404(REPORT_GONE)
    return path


@require_GET
@shop_required
def snapshot_report(request: HttpRequest, snapshot_id) -> FileResponse:
    """The report as Amazon sent it: the backup of the listings."""
    found = _snapshot_or_404(request, snapshot_id)
    path = _media_file(found.path)
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"{found.created:%Y-%m-%d_%H%M}_{path.name}",
        content_type=f"text/tab-separated-values; charset={found.charset}",
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


CSV_HEADER = (
    "sku",
    "list",
    "reason",
    "title",
    "amazon_price",
    "amazon_quantity",
    "shop_price",
    "shop_quantity",
    "amazon_asin",
    "amazon_isbn",
)


def _csv_rows(items) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    columns = [
        "sku",
        "kind",
        "reason",
        "title",
        "amazon_price",
        "amazon_quantity",
        "shop_price",
        "shop_quantity",
        "amazon_asin",
        "amazon_isbn",
    ]
    for row in items.values_list(*columns).iterator(chunk_size=2000):
        yield writer.writerow(["" if value is None else value for value in row])


@require_GET
@shop_required
def snapshot_csv(request: HttpRequest, snapshot_id) -> StreamingHttpResponse:
    """A whole list of a check, or what a purge and replace would delete."""
    found = _snapshot_or_404(request, snapshot_id)
    name = request.GET.get("list", "")
    if name == "deletions":
        items = selectors.replace_deletions(found)
    elif name in LISTS:
        items = selectors.snapshot_items(found, name)
    else:
        raise Http404(NO_SUCH_LIST)
    response = StreamingHttpResponse(
        _csv_rows(items), content_type="text/csv; charset=utf-8"
    )
    filename = f"{found.service.marketplace}_{found.created:%Y-%m-%d}_{name}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@shop_required(write=True)
def set_for_upload(request: HttpRequest, snapshot_id) -> HttpResponse:
    found = _snapshot_or_404(request, snapshot_id)
    form = SetForUploadForm(request.POST)
    if not form.is_valid():
        raise Http404(NO_SUCH_LIST)
    try:
        count = services.records_set_for_upload(
            snapshot=found, kind=form.cleaned_data["list"]
        )
    except services.ReconcileError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, SET_FOR_UPLOAD.format(count=count, s=_plural(count)))
    return redirect("reconcile:snapshot", snapshot_id=found.public_id)


@require_POST
@shop_required(write=True)
def delete_extra(request: HttpRequest, snapshot_id) -> HttpResponse:
    found = _snapshot_or_404(request, snapshot_id)
    try:
        run = services.extras_delete(snapshot=found, user=request.user)
    except services.ReconcileError as error:
        messages.error(request, str(error))
        return redirect("reconcile:snapshot", snapshot_id=found.public_id)
    count = len(run.delete_skus)
    messages.success(request, DELETING.format(count=count, s=_plural(count)))
    return redirect("uploads:run_detail", run_id=run.public_id)


@require_POST
@shop_required(write=True)
def copy_identifiers(request: HttpRequest, snapshot_id) -> HttpResponse:
    found = _snapshot_or_404(request, snapshot_id)
    try:
        count = services.identifiers_copy(snapshot=found)
    except services.ReconcileError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, COPIED.format(count=count, s=_plural(count)))
    return redirect("reconcile:snapshot", snapshot_id=found.public_id)


# Purge and replace


@require_http_methods(["GET", "POST"])
@shop_required
def replace_confirm(request: HttpRequest, snapshot_id) -> HttpResponse:
    """What a purge and replace will delete and send; the POST starts it."""
    found = _snapshot_or_404(request, snapshot_id)
    form = ReplaceForm(request.POST or None)
    if request.method == "POST":
        if not request.membership.can_write:
            raise PermissionDenied(READ_ONLY)
        if form.is_valid():
            try:
                run = services.replace_start(
                    snapshot=found,
                    user=request.user,
                    allow_new_pages=form.cleaned_data["allow_new_pages"],
                )
            except services.ReconcileError as error:
                messages.error(request, str(error))
            else:
                service = found.service.get_marketplace_display()
                messages.success(request, REPLACE_STARTED.format(service=service))
                return redirect("uploads:run_detail", run_id=run.public_id)
    problem = selectors.backup_problem(found)
    context = {
        "snapshot": found,
        "form": form,
        "problem": problem,
        "can_write": request.membership.can_write,
        "shown": SHOWN,
    }
    if problem is None:
        context.update(
            plan=selectors.replace_plan(found),
            deletions=list(selectors.replace_deletions(found)[:SHOWN]),
        )
    return render(request, "reconcile/replace_confirm.html", context)


# Schedules


def _schedules_page(request: HttpRequest, form: ScheduleForm) -> HttpResponse:
    schedules = UploadSchedule.objects.for_shop(request.shop).select_related("service")
    return render(
        request,
        "reconcile/schedules.html",
        {
            "schedules": schedules,
            "form": form,
            "can_write": request.membership.can_write,
            "time_zone": settings.TIME_ZONE,
        },
    )


@require_GET
@shop_required
def schedules(request: HttpRequest) -> HttpResponse:
    return _schedules_page(request, ScheduleForm(shop=request.shop))


@require_POST
@shop_required(write=True)
def schedule_add(request: HttpRequest) -> HttpResponse:
    form = ScheduleForm(request.POST, shop=request.shop)
    if not form.is_valid():
        return _schedules_page(request, form)
    schedule = services.schedule_save(schedule=form.save(commit=False))
    messages.success(request, SCHEDULE_SAVED.format(schedule=schedule))
    return redirect("reconcile:schedules")


@require_http_methods(["GET", "POST"])
@shop_required
def schedule_edit(request: HttpRequest, schedule_id) -> HttpResponse:
    schedule = get_for_shop_or_404(
        request, UploadSchedule.objects.select_related("service"), public_id=schedule_id
    )
    form = ScheduleForm(request.POST or None, instance=schedule, shop=request.shop)
    if request.method == "POST":
        if not request.membership.can_write:
            raise PermissionDenied(READ_ONLY)
        if form.is_valid():
            schedule = services.schedule_save(schedule=form.save(commit=False))
            messages.success(request, SCHEDULE_SAVED.format(schedule=schedule))
            return redirect("reconcile:schedules")
    return render(
        request,
        "reconcile/schedule_edit.html",
        {
            "schedule": schedule,
            "form": form,
            "can_write": request.membership.can_write,
            "time_zone": settings.TIME_ZONE,
        },
    )


@require_POST
@shop_required(write=True)
def schedule_delete(request: HttpRequest, schedule_id) -> HttpResponse:
    schedule = get_for_shop_or_404(request, UploadSchedule, public_id=schedule_id)
    services.schedule_delete(schedule=schedule)
    messages.success(request, SCHEDULE_DELETED)
    return redirect("reconcile:schedules")
