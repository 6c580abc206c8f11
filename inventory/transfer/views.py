"""The import and export page, an import's progress, and the downloads."""

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling

from inventory import selectors as inventory_selectors
from inventory.forms import RecordFilterForm
from inventory.models import ImportJob
from inventory.transfer import exporters, selectors, services
from inventory.transfer.forms import ImportForm
from shops.access import get_for_shop_or_404, shop_required

BAD_FILTERS = "The search or filters in this link cannot be read."
UNKNOWN_EXPORT_FORMAT = "Export as csv or uiee."

PAGE = "inventory/transfer/transfer.html"
STATUS_PAGE = "inventory/transfer/import_status.html"
EXPORTS = {
    "csv": (exporters.csv_export, "text/csv; charset=utf-8", "csv"),
    "uiee": (exporters.uiee_export, "text/plain; charset=utf-8", "txt"),
}


# The list's filters the export form carries along without showing them.
HIDDEN_FILTERS = ("marketplace", "identifier", "pending", "error")


def _page(request: HttpRequest, form: ImportForm, status: int = 200) -> HttpResponse:
    """The page; its export form takes the inventory list's filters."""
    filters = RecordFilterForm(request.GET or None)
    hidden = []
    if filters.is_valid():
        for name in HIDDEN_FILTERS:
            value = filters.cleaned_data[name]
            if value:
                hidden.append((name, "1" if value is True else value))
    context = {
        "form": form,
        "filters": filters,
        "hidden_items": hidden,
        "imports": selectors.import_jobs_recent(shop=request.shop),
    }
    return render(request, PAGE, context, status=status)


@require_GET
@shop_required
def transfer(request: HttpRequest) -> HttpResponse:
    return _page(request, ImportForm(shop=request.shop))


@require_POST
@shop_required(write=True)
def import_start(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES, shop=request.shop)
    if not form.is_valid():
        return _page(request, form, status=400)
    job = services.import_job_create(
        shop=request.shop,
        user=request.user,
        format=form.cleaned_data["format"],
        upload=form.cleaned_data["file"],
    )
    return redirect("inventory:import_status", import_id=job.public_id)


@require_GET
@shop_required
def import_status(request: HttpRequest, import_id) -> HttpResponse:
    """The job's page; htmx polls its progress region until the job ends."""
    job = get_for_shop_or_404(request, ImportJob, public_id=import_id)
    context = {"job": job}
    if request.htmx:
        response = render(request, f"{STATUS_PAGE}#import_progress", context)
        if not job.is_live:
            response.status_code = HttpResponseStopPolling.status_code
        return response
    return render(request, STATUS_PAGE, context)


@require_GET
@shop_required
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        exporters.csv_template(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="shelfmark-template.csv"'
    return response


@require_GET
@shop_required
def export(request: HttpRequest) -> HttpResponse:
    """The records that match the list's search and filters, streamed."""
    format = request.GET.get("format", "csv")
    if format not in EXPORTS:
        return HttpResponseBadRequest(UNKNOWN_EXPORT_FORMAT)
    filters = RecordFilterForm(request.GET)
    if not filters.is_valid():
        return HttpResponseBadRequest(BAD_FILTERS)
    records = inventory_selectors.records_matching(
        shop=request.shop, **filters.filters()
    )
    write, content_type, extension = EXPORTS[format]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(write(records), content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{request.shop.slug}-{stamp}.{extension}"'
    )
    return response
