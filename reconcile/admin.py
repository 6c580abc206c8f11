from django.contrib import admin

from reconcile.models import ListingsSnapshot, SnapshotItem, UploadSchedule


@admin.register(ListingsSnapshot)
class ListingsSnapshotAdmin(admin.ModelAdmin):
    list_display = ["public_id", "shop", "service", "purpose", "state", "created"]
    list_filter = ["purpose", "state"]
    raw_id_fields = ["shop", "service", "created_by", "replace_run"]
    readonly_fields = ["report_id", "report_document_id", "path", "counts"]


@admin.register(SnapshotItem)
class SnapshotItemAdmin(admin.ModelAdmin):
    list_display = ["sku", "kind", "snapshot", "reason"]
    list_filter = ["kind"]
    search_fields = ["sku"]
    raw_id_fields = ["snapshot", "shop", "record"]


@admin.register(UploadSchedule)
class UploadScheduleAdmin(admin.ModelAdmin):
    list_display = ["shop", "service", "kind", "every_hours", "at_time", "enabled"]
    list_filter = ["kind", "enabled"]
    raw_id_fields = ["shop", "service", "periodic_task"]
