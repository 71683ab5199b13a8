"""The privacy notice residents are shown before they start (summary on the start pages, in full here)."""

from django.conf import settings
from django.views.generic import TemplateView


class PrivacyNotice(TemplateView):
    template_name = "surveys/privacy.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "min_responses": settings.REBALANCE_DISCLOSURE_MIN_RESPONSES,
            "retention": {
                "free_text": settings.SURVEY_RETAIN_FREE_TEXT_DAYS,
                "invitations": settings.SURVEY_RETAIN_INVITATIONS_DAYS,
                "unfinished": settings.SURVEY_RETAIN_UNFINISHED_DAYS,
                "responses": settings.SURVEY_RETAIN_RESPONSES_DAYS,
            },
        }
