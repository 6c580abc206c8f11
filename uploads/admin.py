from django.contrib import admin

from uploads.models import FeedIssue, UploadFeed, UploadRun


class UploadFeedInline(admin.TabularInline):
    model = UploadFeed
    fields = [
        "sequence",
        "kind",
        "status",
        "feed_id",
        "amazon_status",
        "record_count",
        "accepted_count",
        "rejected_count",
        "error",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(UploadRun)
class UploadRunAdmin(admin.ModelAdmin):
    """Runs move only through the pipeline; the admin looks, never edits."""

    list_display = [
        "public_id",
        "shop",
        "service",
        "state",
        "trigger",
        "records_exported",
        "records_accepted",
        "records_rejected",
        "created",
    ]
    list_filter = ["state", "trigger", "service__marketplace"]
    search_fields = ["public_id", "shop__slug", "shop__name"]
    list_select_related = ["shop", "service"]
    raw_id_fields = ["shop", "service", "created_by", "resend_of"]
    date_hierarchy = "created"
    inlines = [UploadFeedInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(UploadFeed)
class UploadFeedAdmin(admin.ModelAdmin):
    list_display = ["public_id", "shop", "run", "sequence", "status", "feed_id"]
    list_filter = ["status", "kind"]
    search_fields = ["public_id", "feed_id", "feed_document_id", "shop__slug"]
    list_select_related = ["shop", "run"]
    raw_id_fields = ["shop", "run"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FeedIssue)
class FeedIssueAdmin(admin.ModelAdmin):
    list_display = ["feed", "sku", "code", "severity", "message"]
    list_filter = ["severity", "code"]
    search_fields = ["sku", "code", "shop__slug"]
    list_select_related = ["feed"]
    raw_id_fields = ["shop", "feed", "record"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
