"""API tokens in the admin: listed for admins, revoked through the service (audited), never made or edited here.

DRF's own plain-text token admin is removed: those tokens no longer open the API.
"""

from django.contrib import admin, messages
from rest_framework.authtoken.models import TokenProxy

from indicators.accounts.models import ApiToken
from indicators.accounts.services import api_tokens_revoke_selected

if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at", "expires_at"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    exclude = ["digest"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        revoked = api_tokens_revoke_selected(token_ids=list(queryset.values_list("pk", flat=True)), actor=request.user)
        self.message_user(request, f"{revoked} token(s) revoked.", messages.SUCCESS)
