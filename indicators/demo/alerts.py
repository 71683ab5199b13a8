"""The demo's e-mail: addresses for the demo staff, so that the weekly digest has someone to go to.

Under ``make demo`` e-mail goes to the console backend: ``manage.py send_digests --dry-run --user officer.leeds``
prints the officer's digest, and ``manage.py send_digests`` "sends" everyone's to the terminal.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from indicators.access.models import Role

DEMO_DOMAIN = "example.org"  # reserved for examples (RFC 2606): nothing sent there reaches anyone


def seed_alerts() -> str:
    """Give every demo officer and estate manager without an address one at example.org; the first officer's
    username, whose digest the demo points to."""
    users = get_user_model().objects.filter(staff_profile__role__in=[Role.OFFICER, Role.ESTATE_MANAGER])
    for user in users.filter(email=""):
        user.email = f"{user.username}@{DEMO_DOMAIN}"
        user.save(update_fields=["email"])
    officer = users.filter(staff_profile__role=Role.OFFICER).order_by("username").first()
    return officer.username if officer else ""
