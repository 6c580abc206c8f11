from django.contrib import admin

from marketplace.models import FieldMapping, RegistrationAttempt, Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = [
        "shop",
        "marketplace",
        "is_active",
        "selling_partner_id",
        "registered_at",
    ]
    list_filter = ["marketplace", "is_active"]
    search_fields = ["shop__name", "shop__slug", "selling_partner_id"]
    # The refresh token is never shown, not even encrypted.
    exclude = ["refresh_token_encrypted"]
    readonly_fields = ["public_id", "selling_partner_id", "registered_at"]


@admin.register(FieldMapping)
class FieldMappingAdmin(admin.ModelAdmin):
    list_display = ["shop", "service", "updated"]
    raw_id_fields = ["service"]


@admin.register(RegistrationAttempt)
class RegistrationAttemptAdmin(admin.ModelAdmin):
    list_display = ["shop", "service", "user", "created", "expires_at", "used_at"]
    exclude = ["state_hash"]
    readonly_fields = ["shop", "service", "user", "expires_at", "used_at"]

    def has_add_permission(self, request) -> bool:
        return False
