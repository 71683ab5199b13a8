"""Admin: read-mostly. Questionnaires change through new versions; codes are never shown."""

from django.contrib import admin

from surveys.models import Invitation, Option, Question, Response, Survey, SurveyVersion, Wave


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["position", "page", "key", "factor", "kind", "text", "required", "scored", "reverse_scored", "source"]
    extra = 0
    show_change_link = True

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.is_frozen

    has_delete_permission = has_change_permission
    has_add_permission = has_change_permission


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SurveyVersion)
class SurveyVersionAdmin(admin.ModelAdmin):
    list_display = ["survey", "number", "created_at"]
    inlines = [QuestionInline]


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.version.is_frozen

    has_delete_permission = has_change_permission
    has_add_permission = has_change_permission


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["key", "version", "factor", "kind", "required", "scored", "reverse_scored"]
    list_filter = ["factor", "kind", "version"]
    inlines = [OptionInline]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or not obj.version.is_frozen)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):
    list_display = ["name", "survey_version", "opens_on", "closes_on", "open_link", "synthetic", "unlinked_at"]
    readonly_fields = ["slug", "unlinked_at", "created_by", "created_at"]
    filter_horizontal = ["neighbourhoods"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["pk", "wave", "neighbourhood", "batch", "used", "created_at"]
    list_filter = ["wave", "used"]
    readonly_fields = ["wave", "neighbourhood", "code_hash", "batch", "used", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["pk", "wave", "neighbourhood", "channel", "status", "synthetic", "completed_at"]
    list_filter = ["wave", "channel", "status", "synthetic"]
    readonly_fields = [f.name for f in Response._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
