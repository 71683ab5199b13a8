from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "indicators.audit"
    label = "audit"
    verbose_name = "Audit log"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The admin has autodiscovered every app's ModelAdmin by now (django.contrib.admin comes first).
        from django.contrib import admin

        from indicators.audit.admin_hooks import audit_admin_site

        audit_admin_site(admin.site)
