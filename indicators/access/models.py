"""Staff roles and the places each member of staff looks after."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    OFFICER = "officer", "Neighbourhood officer"
    ESTATE_MANAGER = "estate_manager", "Estate manager"


class StaffProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    role = models.CharField(max_length=20, choices=Role.choices)
    organisation = models.CharField(max_length=120, blank=True)
    may_edit_questionnaires = models.BooleanField(
        default=False,
        help_text="Officers only: may change questionnaires in the questionnaire editor. Admins always may.",
    )

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Assignment(models.Model):
    """One place a member of staff looks after: a whole local authority or one neighbourhood."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    local_authority = models.ForeignKey(
        "indicators.LocalAuthority", null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    neighbourhood = models.ForeignKey(
        "indicators.Neighbourhood", null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(local_authority__isnull=False, neighbourhood__isnull=True))
                | Q(local_authority__isnull=True, neighbourhood__isnull=False),
                name="assignment_one_place",
            ),
            models.UniqueConstraint(fields=["user", "local_authority"], name="assignment_la_once"),
            models.UniqueConstraint(fields=["user", "neighbourhood"], name="assignment_neighbourhood_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.local_authority or self.neighbourhood}"
