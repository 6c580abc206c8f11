from django.contrib import admin

from inventory.models import ImportJob, InventorySettings, ListingState, Record


class ListingStateInline(admin.TabularInline):
    model = ListingState
    extra = 0
    fields = ("marketplace", "state", "price_quantity_only", "revision", "message")
    readonly_fields = fields
    can_delete = False


@admin.register(Record)
class RecordAdmin(admin.ModelAdmin):
    list_display = ("sku", "title", "author", "isbn", "price", "status", "shop")
    list_filter = ("status",)
    list_select_related = ("shop",)
    search_fields = ("=sku", "=isbn", "=asin", "title")
    raw_id_fields = ("shop",)
    readonly_fields = ("public_id", "created", "updated")
    inlines = [ListingStateInline]
    # Shops hold hundreds of thousands of records: no full count per page.
    show_full_result_count = False


@admin.register(ListingState)
class ListingStateAdmin(admin.ModelAdmin):
    list_display = ("record", "marketplace", "state", "revision", "shop")
    list_filter = ("marketplace", "state")
    list_select_related = ("record", "shop")
    raw_id_fields = ("record", "shop")
    show_full_result_count = False


@admin.register(InventorySettings)
class InventorySettingsAdmin(admin.ModelAdmin):
    list_display = ("shop", "next_sku", "price_label", "price2_label", "price3_label")
    raw_id_fields = ("shop",)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("original_name", "format", "status", "shop", "created")
    list_filter = ("format", "status")
    raw_id_fields = ("shop", "created_by")
    readonly_fields = ("public_id", "created", "started", "finished")
