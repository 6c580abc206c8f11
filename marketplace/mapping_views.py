"""The condition note editor, its preview, and notes for the inventory list.

Every page here takes an optional ``?service=<uuid>``: without it the shop's
mapping is edited, with it that service's own (created on its first change).
"""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from inventory.models import Record
from marketplace import mapping as mappings
from marketplace.models import FieldMapping, Service
from marketplace.notes import NoteBuilder
from shops.access import get_for_shop_or_404, shop_required

TEMPLATE = "marketplace/mapping.html"
MAPPING_CHANGED = "mapping-changed"
PREVIEW_MAX_RECORDS = 200
TOO_MANY_RECORDS = "Ask for at most 200 records at a time."
NOT_A_RECORD_ID = "Records are named by their ids, separated by commas."


def _uuid_or_404(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise Http404("No such object in this shop.") from None


def _service(request: HttpRequest) -> Service | None:
    raw = request.GET.get("service", "")
    if not raw:
        return None
    return get_for_shop_or_404(request, Service, public_id=_uuid_or_404(raw))


def _query(service: Service | None, **extra: str) -> str:
    params = {"service": str(service.public_id)} if service else {}
    params.update({key: value for key, value in extra.items() if value})
    return f"?{urlencode(params)}" if params else ""


def _table_context(request: HttpRequest, service: Service | None) -> dict:
    mapping = mappings.mapping_for(request.shop, service)
    return {
        "service": service,
        "mapping": mapping,
        "rows": [(name, mappings.FIELD_LABELS[name]) for name in mapping.fields],
        "unused": mappings.mapping_unused_fields(mapping),
        "is_override": service is not None and mapping.service_id == service.pk,
        "can_write": request.membership.can_write,
        "query": _query(service),
        "separator_max": mappings.SEPARATOR_MAX_LENGTH,
    }


def _preview_context(
    request: HttpRequest, service: Service | None, record: Record | None
) -> dict:
    context: dict = {"record": record, "service": service}
    if record is None:
        return context
    mapping = mappings.mapping_for(request.shop, service)
    limit = mappings.mapping_note_limit(shop=request.shop, service=service)
    note = NoteBuilder(mapping.fields, mapping.separator, limit).build(record)
    classic = NoteBuilder(mapping.fields, mapping.separator, limit, "cp1252")
    context.update(
        note=note,
        limit=limit,
        own_note=bool(record.item_note.strip()),
        classic_replaced=classic.build(record).replaced,
        refresh_query=_query(service, record=str(record.public_id)),
    )
    return context


def _results_context(request: HttpRequest, service: Service | None, query: str) -> dict:
    found = mappings.records_matching(shop=request.shop, query=query) if query else []
    return {
        "q": query,
        "results": [
            {
                "record": record,
                "query": _query(service, record=str(record.public_id), q=query),
            }
            for record in found
        ],
    }


def _clipped_context(
    request: HttpRequest, service: Service | None, after: str | None
) -> dict:
    context = {
        "clipped_loaded": after is not None,
        "limit": mappings.mapping_note_limit(shop=request.shop, service=service),
        "query": _query(service),
    }
    if after is not None:
        found = mappings.records_with_clipped_notes(
            shop=request.shop, service=service, after=after
        )
        context.update(
            clipped=found,
            next_query=_query(service, after=found.next_after),
            from_start=bool(after),
        )
    return context


def _page(
    request: HttpRequest,
    service: Service | None,
    *,
    clipped_after: str | None = None,
) -> HttpResponse:
    shop = request.shop
    query = request.GET.get("q", "").strip()
    raw_record = request.GET.get("record", "")
    if raw_record:
        record = get_for_shop_or_404(
            request, Record, public_id=_uuid_or_404(raw_record)
        )
    else:
        record = Record.objects.for_shop(shop).order_by("sku").first()
    services = Service.objects.for_shop(shop).annotate(
        has_own_mapping=Exists(FieldMapping.objects.filter(service=OuterRef("pk")))
    )
    context = {
        "services": services,
        **_results_context(request, service, query),
        **_preview_context(request, service, record),
        **_clipped_context(request, service, clipped_after),
        **_table_context(request, service),
    }
    return render(request, TEMPLATE, context)


@require_GET
@shop_required
def mapping(request: HttpRequest) -> HttpResponse:
    return _page(request, _service(request))


@require_GET
@shop_required
def mapping_records(request: HttpRequest) -> HttpResponse:
    service = _service(request)
    if not request.htmx:
        return _page(request, service)
    context = _results_context(request, service, request.GET.get("q", "").strip())
    return render(request, f"{TEMPLATE}#record_results", context)


@require_GET
@shop_required
def mapping_preview(request: HttpRequest) -> HttpResponse:
    service = _service(request)
    if not request.htmx:
        return _page(request, service)
    record = get_for_shop_or_404(
        request, Record, public_id=_uuid_or_404(request.GET.get("record", ""))
    )
    context = _preview_context(request, service, record)
    return render(request, f"{TEMPLATE}#note_preview", context)


@require_GET
@shop_required
def mapping_clipped(request: HttpRequest) -> HttpResponse:
    service = _service(request)
    after = request.GET.get("after", "")
    if not request.htmx:
        return _page(request, service, clipped_after=after)
    context = _clipped_context(request, service, after)
    return render(request, f"{TEMPLATE}#clipped", context)


def _changed(
    request: HttpRequest, service: Service | None, error: ValidationError | None
) -> HttpResponse:
    """Re-render the mapping table for htmx, or go back to the page."""
    message = " ".join(error.messages) if error else ""
    if not request.htmx:
        if message:
            messages.error(request, message)
        return redirect(reverse("marketplace:mapping") + _query(service))
    context = {**_table_context(request, service), "error": message}
    response = render(request, f"{TEMPLATE}#mapping_table", context)
    if error is None:
        trigger_client_event(response, MAPPING_CHANGED)
    return response


def _edit(request: HttpRequest, action, **values) -> HttpResponse:
    service = _service(request)
    try:
        action(shop=request.shop, service=service, **values)
    except ValidationError as error:
        return _changed(request, service, error)
    return _changed(request, service, None)


@require_POST
@shop_required(write=True)
def mapping_add(request: HttpRequest) -> HttpResponse:
    return _edit(
        request,
        mappings.field_mapping_add_field,
        field=request.POST.get("field", ""),
    )


@require_POST
@shop_required(write=True)
def mapping_move(request: HttpRequest) -> HttpResponse:
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponseBadRequest("Move a field up or down.")
    return _edit(
        request,
        mappings.field_mapping_move_field,
        field=request.POST.get("field", ""),
        direction=direction,
    )


@require_POST
@shop_required(write=True)
def mapping_remove(request: HttpRequest) -> HttpResponse:
    return _edit(
        request,
        mappings.field_mapping_remove_field,
        field=request.POST.get("field", ""),
    )


@require_POST
@shop_required(write=True)
def mapping_separator(request: HttpRequest) -> HttpResponse:
    return _edit(
        request,
        mappings.field_mapping_set_separator,
        separator=request.POST.get("separator", ""),
    )


@require_POST
@shop_required(write=True)
def mapping_reset(request: HttpRequest) -> HttpResponse:
    return _edit(request, mappings.field_mapping_reset)


@require_POST
@shop_required(write=True)
def mapping_use_shop(request: HttpRequest) -> HttpResponse:
    service = _service(request)
    if service is None:
        raise Http404("Only a service can use the shop's mapping.")
    mappings.field_mapping_drop_override(shop=request.shop, service=service)
    return _changed(request, service, None)


@require_GET
@shop_required
def notes_preview(request: HttpRequest) -> HttpResponse:
    """The notes of the listed records, as out-of-band table cells.

    Records of other shops, and ids that name nothing, are left out.
    """
    service = _service(request)
    raw = [part.strip() for part in request.GET.get("records", "").split(",")]
    try:
        ids = list(dict.fromkeys(uuid.UUID(part) for part in raw if part))
    except ValueError:
        return HttpResponseBadRequest(NOT_A_RECORD_ID)
    if len(ids) > PREVIEW_MAX_RECORDS:
        return HttpResponseBadRequest(TOO_MANY_RECORDS)
    mapping = mappings.mapping_for(request.shop, service)
    limit = mappings.mapping_note_limit(shop=request.shop, service=service)
    builder = NoteBuilder(mapping.fields, mapping.separator, limit)
    rows = {
        row["public_id"]: row
        for row in Record.objects.for_shop(request.shop)
        .filter(public_id__in=ids)
        .order_by()
        .values("public_id", *builder.columns)
    }
    cells = [
        {"public_id": public_id, "note": builder.build(rows[public_id])}
        for public_id in ids
        if public_id in rows
    ]
    context = {"cells": cells, "limit": limit}
    return render(request, "marketplace/notes_preview.html", context)
