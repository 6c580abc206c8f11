"""Process and upload, its progress and cancel; the export log and reports."""

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseStopPolling

from inventory.models import ListingState
from marketplace.models import Service
from shops.access import get_for_shop_or_404, shop_required
from uploads import pipeline
from uploads.explanations import explain
from uploads.forms import ExportLogFilterForm, ResendForm, UploadForm
from uploads.models import FeedIssue, UploadFeed, UploadRun
from uploads.selectors import Progress, duration_words, progress_for

logger = logging.getLogger(__name__)

READ_ONLY = "Your role in this shop is read-only."
UPLOAD_QUEUED = "Upload started for {services}."
CHOOSE_SERVICE = "Choose an active service registered with Amazon."
ALREADY_ENDED = "This upload has already ended."
CANCEL_ASKED = (
    "Cancelling the upload to {service}; feeds Amazon is processing finish first."
)
NOT_RESENDABLE = "Only the files of a failed or cancelled upload can be sent again."
RESENT = "{name} is being sent again to {service}."
FILE_GONE = "This file is no longer kept."

PANEL = "uploads/process_panel.html"
RUN_PAGE = "uploads/run_detail.html"
RUNS_PER_PAGE = 50
ISSUES_PER_PAGE = 100
CLASSIC_CONTENT_TYPE = "text/plain; charset=windows-1252"


@dataclass
class ServiceRow:
    service: Service
    pending: int
    progress: Progress | None

    @property
    def can_upload(self) -> bool:
        return self.service.is_active and self.service.is_registered


def _panel_context(request: HttpRequest) -> dict:
    """Every service of the shop with its records set for upload and its
    latest run: three queries whatever the inventory's size."""
    shop = request.shop
    latest = (
        UploadRun.objects.filter(service=OuterRef("pk"))
        .order_by("-created")
        .values("pk")[:1]
    )
    services = list(
        Service.objects.for_shop(shop).annotate(latest_run=Subquery(latest))
    )
    # A COUNT per marketplace over the (shop, marketplace, state) index.
    pending = dict(
        ListingState.objects.for_shop(shop)
        .filter(state__in=ListingState.PENDING)
        .order_by()
        .values_list("marketplace")
        .annotate(count=Count("pk"))
    )
    runs = UploadRun.objects.filter(
        pk__in=[s.latest_run for s in services if s.latest_run]
    ).select_related("service", "created_by")
    progress = {p.run.pk: p for p in progress_for(list(runs))}
    rows = [
        ServiceRow(
            service=service,
            pending=pending.get(service.marketplace, 0),
            progress=progress.get(service.latest_run),
        )
        for service in services
    ]
    live = any(row.progress and row.progress.run.is_live for row in rows)
    return {
        "panel": True,
        "rows": rows,
        "live": live,
        "any_uploadable": any(row.can_upload for row in rows),
        "form": UploadForm(shop=shop),
        "can_write": request.membership.can_write,
    }


@require_GET
@shop_required
def process(request: HttpRequest) -> HttpResponse:
    """The Process and upload panel: swapped into the Online page by htmx,
    polled while a run is live; a page of its own without JavaScript."""
    context = _panel_context(request)
    if request.htmx:
        response = render(request, PANEL, context)
        if not context["live"]:
            response.status_code = HttpResponseStopPolling.status_code
        return response
    return render(request, "uploads/process.html", context)


@require_POST
@shop_required(write=True)
def upload_start(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, shop=request.shop)
    if not form.is_valid():
        messages.error(request, CHOOSE_SERVICE)
        return redirect("marketplace:online")
    try:
        runs = pipeline.upload_start(
            shop=request.shop,
            services=form.services(),
            user=request.user,
            all_inventory=form.cleaned_data["all_inventory"],
            upload_images=form.images_choice(),
            trigger=UploadRun.Trigger.BUTTON,
        )
    except pipeline.UploadError as error:
        messages.error(request, str(error))
    else:
        names = ", ".join(run.service.get_marketplace_display() for run in runs)
        messages.success(request, UPLOAD_QUEUED.format(services=names))
    return redirect("marketplace:online")


def _run_or_404(request: HttpRequest, run_id) -> UploadRun:
    runs = UploadRun.objects.select_related("service", "created_by", "resend_of__run")
    return get_for_shop_or_404(request, runs, public_id=run_id)


@require_http_methods(["GET", "POST"])
@shop_required
def run_cancel(request: HttpRequest, run_id) -> HttpResponse:
    """Ask before cancelling; the POST stops the run."""
    run = _run_or_404(request, run_id)
    if request.method == "POST":
        if not request.membership.can_write:
            raise PermissionDenied(READ_ONLY)
        if not run.is_live:
            messages.info(request, ALREADY_ENDED)
        else:
            pipeline.run_cancel(run)
            logger.info(
                "Shop %s: %s cancelled upload %s",
                request.shop.slug,
                request.user.email,
                run.public_id,
            )
            service = run.service.get_marketplace_display()
            messages.success(request, CANCEL_ASKED.format(service=service))
        return redirect("uploads:run_detail", run_id=run.public_id)
    if not run.is_live:
        messages.info(request, ALREADY_ENDED)
        return redirect("uploads:run_detail", run_id=run.public_id)
    return render(
        request,
        "uploads/run_cancel.html",
        {"run": run, "can_write": request.membership.can_write},
    )


@require_GET
@shop_required
def export_log(request: HttpRequest) -> HttpResponse:
    runs = UploadRun.objects.for_shop(request.shop).select_related(
        "service", "created_by"
    )
    filters = ExportLogFilterForm(request.GET or None, shop=request.shop)
    filtered = any(request.GET.get(name) for name in filters.fields)
    if filtered and filters.is_valid():
        runs = filters.filter(runs)
    page = Paginator(runs.order_by("-created", "-pk"), RUNS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for run in page.object_list:
        run.duration_text = duration_words(run.duration)
    return render(
        request,
        "uploads/export_log.html",
        {
            "filters": filters,
            "filtered": filtered,
            "page": page,
            "runs": page.object_list,
        },
    )


@require_GET
@shop_required
def run_detail(request: HttpRequest, run_id) -> HttpResponse:
    """A run's files, feeds and report; its status region polls while live."""
    run = _run_or_404(request, run_id)
    feeds = list(UploadFeed.objects.filter(run=run).order_by("sequence"))
    context = {
        "run": run,
        "feeds": feeds,
        "progress": progress_for([run])[0],
        "duration_text": duration_words(run.duration),
        "can_write": request.membership.can_write,
    }
    if request.htmx:
        response = render(request, f"{RUN_PAGE}#run_status", context)
        if not run.is_live:
            # The report and its issues are outside the region: reload once.
            response.status_code = HttpResponseStopPolling.status_code
            response["HX-Refresh"] = "true"
        return response
    issues = (
        FeedIssue.objects.for_shop(request.shop)
        .filter(feed__run=run)
        .select_related("record", "feed")
        .order_by("feed__sequence", "message_id", "pk")
    )
    issue_page = Paginator(issues, ISSUES_PER_PAGE).get_page(request.GET.get("page"))
    for issue in issue_page.object_list:
        issue.explanation = explain(issue.code, issue.severity)
    resendable = (
        run.state in (UploadRun.State.FAILED, UploadRun.State.CANCELLED) and feeds
    )
    context.update(
        issue_page=issue_page,
        resend_form=ResendForm(run=run) if resendable else None,
    )
    return render(request, RUN_PAGE, context)


@require_POST
@shop_required(write=True)
def run_resend(request: HttpRequest, run_id) -> HttpResponse:
    """Send one of a failed run's feed documents again, as a new run."""
    run = _run_or_404(request, run_id)
    if run.state not in (UploadRun.State.FAILED, UploadRun.State.CANCELLED):
        messages.error(request, NOT_RESENDABLE)
        return redirect("uploads:run_detail", run_id=run.public_id)
    form = ResendForm(request.POST, run=run)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("uploads:run_detail", run_id=run.public_id)
    feed = form.cleaned_data["feed"]
    try:
        again = pipeline.upload_resend(
            feed=feed, service=run.service, user=request.user
        )
    except pipeline.UploadError as error:
        messages.error(request, str(error))
        return redirect("uploads:run_detail", run_id=run.public_id)
    name = Path(feed.path).name
    service = run.service.get_marketplace_display()
    messages.success(request, RESENT.format(name=name, service=service))
    return redirect("uploads:run_detail", run_id=again.public_id)


def _media_file(relative: str) -> Path:
    """A stored file under MEDIA_ROOT; 404 for anything outside it or gone."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if root not in path.parents or not path.is_file():
        raise Http404(FILE_GONE)
    return path


@require_GET
@shop_required
def run_file(request: HttpRequest, run_id, file_name: str) -> FileResponse:
    """One of the run's classic files, named as the run recorded it."""
    run = _run_or_404(request, run_id)
    entry = next((f for f in run.files if f.get("name") == file_name), None)
    if entry is None:
        raise Http404(FILE_GONE)
    path = _media_file(entry["path"])
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=file_name,
        content_type=CLASSIC_CONTENT_TYPE,
    )


def _feed_or_404(request: HttpRequest, feed_id) -> UploadFeed:
    feeds = UploadFeed.objects.select_related("run")
    return get_for_shop_or_404(request, feeds, public_id=feed_id)


@require_GET
@shop_required
def feed_document(request: HttpRequest, feed_id) -> FileResponse:
    feed = _feed_or_404(request, feed_id)
    path = _media_file(feed.path)
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=path.name,
        content_type=feed.content_type,
    )


@require_GET
@shop_required
def feed_report(request: HttpRequest, feed_id) -> HttpResponse:
    """Amazon's processing report of the feed, as Amazon sent it."""
    feed = _feed_or_404(request, feed_id)
    if feed.report is None:
        raise Http404("Amazon sent no report for this feed.")
    response = HttpResponse(
        json.dumps(feed.report, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    name = f"report-{feed.feed_id or feed.public_id}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
