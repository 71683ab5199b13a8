from django.contrib import admin

from indicators.alerts.models import AlertPreference, Delivery


@admin.register(AlertPreference)
class AlertPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "weekly_digest", "immediate", "verdicts", "factors", "waves", "imports", "updated_at")
    search_fields = ("user__username", "user__email")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("user", "sort", "period", "status", "items", "claimed_at", "sent_at")
    list_filter = ("sort", "status")
    search_fields = ("user__username", "period")
    readonly_fields = [f.name for f in Delivery._meta.fields]
