"""Inventory pages: the record list, the record form and bulk actions."""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inventory import selectors, services
from inventory.forms import (
    BulkSelectionForm,
    PriceChangeForm,
    RecordFilterForm,
    RecordForm,
    StatusChangeForm,
)
from inventory.models import AmazonCondition, Record
from shops.access import get_for_shop_or_404, shop_required

READ_ONLY = "Your role in this shop is read-only."
NOTHING_SELECTED = "Tick some records first, or choose all records that match."
BULK_INVALID = "That bulk action could not be read. Please try again."
RECORD_CREATED = "Record {sku} created and set for upload."
RECORD_SAVED = "Record {sku} saved."
RECORD_UNCHANGED = "Nothing changed in record {sku}."
RECORD_DELETED = "Record {sku} deleted."
RECORD_WITHDRAWN = (
    "Record {sku} is on Amazon, so it was withdrawn instead: the next upload "
    "deletes it there. Delete it again once that upload is done."
)
RECORDS_SET_FOR_UPLOAD = "{count} record(s) set for upload."
RECORDS_STATUS = "{count} record(s) set to {status}."
RECORDS_PRICE = "{count} price(s) changed."
RECORDS_DELETED = "{count} record(s) deleted."
RECORDS_WITHDRAWN = (
    "{count} record(s) still on Amazon were withdrawn instead of deleted: the "
    "next upload deletes them there; delete them again after it."
)
SINGLE_UPLOAD = "Record {sku} set for upload."
TOO_MANY = (
    "{count} records are more than one action may change at once ({limit}). "
    "Narrow the search or filters and apply it in parts."
)

# Setting listing states costs about 75 microseconds a record on SQLite (three
# marketplaces), so a larger selection would outlast a request's timeout.
BULK_LIMIT = 50_000

FORM_TEMPLATE = "inventory/record_form.html"


def _optional_url(name: str, *args) -> str | None:
    """The URL of a page another part of Shelfmark may not provide yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _filter_items(form: RecordFilterForm) -> list[tuple[str, str]]:
    """The list's search, filters and sort as query pairs, blanks left out."""
    if not form.is_valid():
        return []
    items = []
    for name in (*RecordFilterForm.FILTER_FIELDS, "sort"):
        value = form.cleaned_data.get(name)
        if value is True:
            items.append((name, "1"))
        elif value:
            items.append((name, str(value)))
    return items


def _list_url(items: list[tuple[str, str]]) -> str:
    url = reverse("inventory:record_list")
    return f"{url}?{urlencode(items)}" if items else url


@require_GET
@shop_required
def record_list(request: HttpRequest) -> HttpResponse:
    shop = request.shop
    form = RecordFilterForm(request.GET or None)
    queryset = selectors.records_matching(shop=shop, **form.filters())
    sort = (form.is_valid() and form.cleaned_data["sort"]) or selectors.DEFAULT_SORT
    page = selectors.records_page(
        queryset,
        sort=sort,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    count, count_exact = selectors.records_count(queryset)
    show_notes = request.GET.get("notes") == "1"
    notes_url = _optional_url("marketplace:notes_preview") if show_notes else None
    context = {
        "form": form,
        "page": page,
        "count": count,
        "count_exact": count_exact,
        "filtered": form.is_filtered(),
        "filter_items": [item for item in _filter_items(form) if item[0] != "sort"],
        "show_notes": show_notes,
        "notes_url": notes_url,
        "notes_ids": ",".join(str(record.public_id) for record in page.records),
        "transfer_url": _optional_url("inventory:transfer"),
        "settings": services.inventory_settings_for(shop),
        "can_write": request.membership.can_write,
        "actions": BulkSelectionForm.ACTIONS,
    }
    return render(request, "inventory/record_list.html", context)


def _record_form(request: HttpRequest, record: Record | None, data=None) -> RecordForm:
    validate_url = (
        reverse("inventory:record_validate", args=[record.public_id])
        if record
        else reverse("inventory:record_validate_new")
    )
    form = RecordForm(
        data,
        instance=record,
        shop=request.shop,
        settings=services.inventory_settings_for(request.shop),
    )
    can_write = request.membership.can_write
    for name, field in form.fields.items():
        if not can_write:
            field.disabled = True
            continue
        field.widget.attrs.update(
            {
                "hx-post": validate_url,
                "hx-trigger": "change",
                "hx-target": f"#field-{name}",
                "hx-swap": "outerHTML",
            }
        )
    return form


def _form_context(request: HttpRequest, form: RecordForm, record: Record | None):
    tabs = form.tabs()
    requested = request.GET.get("tab", "")
    active = next((tab["slug"] for tab in tabs if tab["has_errors"]), None)
    if active is None:
        slugs = [tab["slug"] for tab in tabs]
        active = requested if requested in slugs else slugs[0]
    effective = record.effective_condition if record else None
    return {
        "form": form,
        "record": record,
        "tabs": tabs,
        "active_tab": active,
        "can_write": request.membership.can_write,
        "effective_condition": AmazonCondition(effective).label if effective else "",
    }


def _add_errors(form: RecordForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_http_methods(["GET", "POST"])
@shop_required(write=True)
def record_create(request: HttpRequest) -> HttpResponse:
    form = _record_form(request, None, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_create(
                shop=request.shop, data=form.cleaned_data, user=request.user
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, RECORD_CREATED.format(sku=record.sku))
            return redirect("inventory:record_detail", record_id=record.public_id)
    return render(request, FORM_TEMPLATE, _form_context(request, form, None))


@require_http_methods(["GET", "POST"])
@shop_required
def record_detail(request: HttpRequest, record_id: uuid.UUID) -> HttpResponse:
    record = get_for_shop_or_404(
        request, Record.objects.prefetch_related("listing_states"), public_id=record_id
    )
    if request.method == "POST" and not request.membership.can_write:
        raise PermissionDenied(READ_ONLY)
    form = _record_form(request, record, request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The form wrote its values onto its instance; compare a fresh copy.
        current = Record.objects.get(pk=record.pk)
        try:
            before = current.updated
            saved = services.record_update(
                record=current, data=form.cleaned_data, user=request.user
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            message = RECORD_SAVED if saved.updated != before else RECORD_UNCHANGED
            messages.success(request, message.format(sku=saved.sku))
            return redirect("inventory:record_detail", record_id=saved.public_id)
    return render(request, FORM_TEMPLATE, _form_context(request, form, record))


@require_POST
@shop_required(write=True)
def record_validate(
    request: HttpRequest, record_id: uuid.UUID | None = None
) -> HttpResponse:
    """Check one field of the record form; answer with its partial."""
    record = (
        get_for_shop_or_404(request, Record, public_id=record_id) if record_id else None
    )
    name = request.htmx.trigger_name or request.POST.get("_field", "")
    form = _record_form(request, record, request.POST)
    if name not in form.fields:
        return HttpResponseBadRequest("Unknown field.")
    form.is_valid()
    context = {**_form_context(request, form, record), "field": form[name]}
    return render(request, f"{FORM_TEMPLATE}#record_field", context)


@require_POST
@shop_required(write=True)
def record_upload(request: HttpRequest, record_id: uuid.UUID) -> HttpResponse:
    record = get_for_shop_or_404(request, Record, public_id=record_id)
    services.records_set_for_upload(
        shop=request.shop, queryset=Record.objects.filter(pk=record.pk)
    )
    if request.htmx:
        record = Record.objects.prefetch_related("listing_states").get(pk=record.pk)
        context = {"record": record, "can_write": True, "just_set": True}
        return render(request, f"{FORM_TEMPLATE}#listing_states", context)
    messages.success(request, SINGLE_UPLOAD.format(sku=record.sku))
    return redirect("inventory:record_detail", record_id=record.public_id)


@require_http_methods(["GET", "POST"])
@shop_required(write=True)
def record_delete(request: HttpRequest, record_id: uuid.UUID) -> HttpResponse:
    record = get_for_shop_or_404(request, Record, public_id=record_id)
    if request.method == "POST":
        result = services.records_delete(
            shop=request.shop, queryset=Record.objects.filter(pk=record.pk)
        )
        if result.withdrawn:
            messages.warning(request, RECORD_WITHDRAWN.format(sku=record.sku))
            return redirect("inventory:record_detail", record_id=record.public_id)
        messages.success(request, RECORD_DELETED.format(sku=record.sku))
        return redirect("inventory:record_list")
    context = {"record": record, "on_amazon": services.record_is_on_amazon(record)}
    return render(request, "inventory/record_delete.html", context)


def _bulk_queryset(request: HttpRequest, form: BulkSelectionForm) -> models.QuerySet:
    if form.applies_to_all:
        return selectors.records_matching(shop=request.shop, **form.filters())
    ids = []
    for value in form.cleaned_data["records"]:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    return Record.objects.for_shop(request.shop).filter(public_id__in=ids)


@require_POST
@shop_required(write=True)
def records_bulk(request: HttpRequest) -> HttpResponse:
    """Apply an action to a selection; all but uploads are confirmed first."""
    shop = request.shop
    form = BulkSelectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, BULK_INVALID)
        return redirect("inventory:record_list")
    back = _list_url(_filter_items(form))
    if not form.applies_to_all and not form.cleaned_data["records"]:
        messages.error(request, NOTHING_SELECTED)
        return redirect(back)
    queryset = _bulk_queryset(request, form)
    count = queryset.count()
    if count > BULK_LIMIT:
        messages.error(request, TOO_MANY.format(count=count, limit=BULK_LIMIT))
        return redirect(back)
    action = form.cleaned_data["action"]
    if action == BulkSelectionForm.Action.UPLOAD:
        count = services.records_set_for_upload(shop=shop, queryset=queryset)
        messages.success(request, RECORDS_SET_FOR_UPLOAD.format(count=count))
        return redirect(back)

    confirmed = "confirm" in request.POST
    settings = services.inventory_settings_for(shop)
    params: StatusChangeForm | PriceChangeForm | None = None
    if action == BulkSelectionForm.Action.STATUS:
        params = StatusChangeForm(request.POST if confirmed else None)
    elif action == BulkSelectionForm.Action.PRICE:
        params = PriceChangeForm(request.POST if confirmed else None, settings=settings)
    if confirmed and (params is None or params.is_valid()):
        if action == BulkSelectionForm.Action.STATUS:
            status = params.cleaned_data["new_status"]
            count = services.records_change_status(
                shop=shop, queryset=queryset, status=status
            )
            label = Record.Status(status).label
            messages.success(request, RECORDS_STATUS.format(count=count, status=label))
        elif action == BulkSelectionForm.Action.PRICE:
            count = services.records_change_price(
                shop=shop, queryset=queryset, **params.change()
            )
            messages.success(request, RECORDS_PRICE.format(count=count))
        else:
            result = services.records_delete(shop=shop, queryset=queryset)
            messages.success(request, RECORDS_DELETED.format(count=result.deleted))
            if result.withdrawn:
                messages.warning(
                    request, RECORDS_WITHDRAWN.format(count=result.withdrawn)
                )
        return redirect(back)

    context = {
        "action": action,
        "action_label": dict(BulkSelectionForm.ACTIONS)[action].rstrip("…"),
        "count": count,
        "params": params,
        "selection": form,
        "filter_items": [item for item in _filter_items(form) if item[0] != "sort"],
        "sort": form.cleaned_data.get("sort", ""),
        "back": back,
    }
    return render(request, "inventory/records_bulk.html", context)
