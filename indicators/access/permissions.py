"""Who may do what. Each rule is decided here once; services, views, templates and the API ask here.

Which places a user may see is ``scope_for`` (and the places' ``visible_to``); this module decides which
actions a role allows. A service that acts on places checks both: the action here, the places there.
"""

from __future__ import annotations

from indicators.access.models import Role
from indicators.access.scope import is_admin, role_of

STAFF = (Role.ADMIN, Role.OFFICER, Role.ESTATE_MANAGER)
MANAGERS = (Role.ADMIN, Role.OFFICER)  # run fieldwork; estate managers only read


def is_staff_member(user) -> bool:
    """Any of the three roles: may read the monitoring pages and the waves of their places."""
    return role_of(user) in STAFF


def may_manage_waves(user) -> bool:
    """Create waves and invitation codes, print letters."""
    return role_of(user) in MANAGERS


def may_enter_paper(user) -> bool:
    """Type in paper questionnaires."""
    return role_of(user) in MANAGERS


def may_export_responses(user) -> bool:
    """Download the per-respondent answers of a wave."""
    return role_of(user) in MANAGERS


def may_export_free_text(user) -> bool:
    """Include residents' own words in that download."""
    return is_admin(user)


def may_export_full_demographics(user) -> bool:
    """Take that download with every "about you" answer as given; others get rare combinations coarsened."""
    return is_admin(user)


def may_run_imports(user) -> bool:
    """Upload official data and read the import records."""
    return is_admin(user)


def may_edit_questionnaires(user) -> bool:
    """Change questionnaires in the editor: admins, and officers an admin has allowed (their staff profile's
    ``may_edit_questionnaires``). A per-person flag, as questionnaires are shared between authorities."""
    role = role_of(user)
    if role == Role.ADMIN:
        return True
    profile = getattr(user, "staff_profile", None)
    return role == Role.OFFICER and profile is not None and profile.may_edit_questionnaires


def may_import_questionnaires(user) -> bool:
    """Make a questionnaire from an uploaded XLSForm workbook."""
    return is_admin(user)


def may_see_everything(user) -> bool:
    """Every place and every survey, whatever the assignments."""
    return is_admin(user)


def flags(user) -> dict[str, bool]:
    """The same answers for templates, so that no template decides a rule of its own."""
    return {
        "staff": is_staff_member(user),
        "manage_waves": may_manage_waves(user),
        "enter_paper": may_enter_paper(user),
        "export_responses": may_export_responses(user),
        "export_free_text": may_export_free_text(user),
        "export_full_demographics": may_export_full_demographics(user),
        "run_imports": may_run_imports(user),
        "see_everything": may_see_everything(user),
        "edit_questionnaires": may_edit_questionnaires(user),
        "import_questionnaires": may_import_questionnaires(user),
    }
