"""No dead ends: the glossary and its inline help, the accessibility statement, styled 403 / 404 / 500 pages, the
admin's answer to a non-admin, full links on the wave page, and the favicon."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse

from indicators.access.models import Role
from indicators.monitoring import glossary
from surveys.welsh import NOTE_CY, NOTE_EN
from tests.factories import staff
from tests.surveys.factories import wave_factory

# The terms the issue asks the glossary to explain, by anchor.
REQUIRED = [
    "lsoa", "msoa", "ward", "imd", "imd-decile", "deprived", "worklessness", "points", "benchmark", "verdict",
    "factor-score", "interval", "since-last-wave", "withheld", "matched-pair", "difference-in-differences",
    "synthetic",
]  # fmt: skip


def signed_in(client, role, **kwargs):
    user = staff(role, **kwargs)
    client.force_login(user)
    return user


def test_every_required_term_is_defined_once_with_a_short_definition():
    slugs = [t.slug for t in glossary.TERMS]
    assert len(slugs) == len(set(slugs))
    assert set(REQUIRED) <= set(slugs)
    for term in glossary.all_terms():
        assert term.short.endswith("."), term.slug
        assert "{" not in term.short, term.slug
        assert all("{" not in p for p in term.more), term.slug


@override_settings(REBALANCE_DEPRIVED_MAX_DECILE=2, REBALANCE_DISCLOSURE_MIN_RESPONSES=12)
def test_definitions_follow_the_sites_settings():
    assert "most deprived 20%" in glossary.term("deprived").short
    assert "1 to 2" in glossary.term("deprived").short
    assert "fewer than 12 residents" in glossary.term("withheld").short


def test_an_unknown_term_is_an_error_not_a_silent_blank():
    with pytest.raises(glossary.UnknownTermError):
        glossary.term("no-such-term")


@pytest.mark.django_db
def test_glossary_page_is_public_and_every_term_has_its_anchor(client):
    response = client.get(reverse("glossary"))
    assert response.status_code == 200
    html = response.content.decode()
    for slug in REQUIRED:
        assert f'id="{slug}"' in html
    assert "claimant count" in html  # how Rebalance computes worklessness
    assert "fell by more than the benchmark" in html


def test_term_tag_links_to_the_entry_with_its_definition_as_description():
    html = Template('{% load glossary %}An {% term "lsoa" %} and two {% term "lsoa" "LSOAs" %}.').render(Context())
    links = re.findall(r'<a class="term" href="/help/glossary/#lsoa"[^>]*aria-describedby="([^"]+)"', html)
    assert len(links) == 2
    assert links[0] != links[1]
    for id_ in links:
        assert f'<span hidden id="{id_}">A Lower layer Super Output Area' in html
    assert ">LSOAs</a>" in html
    assert html.endswith("</span>.")


def test_explain_tag_shows_the_definitions_without_javascript():
    html = Template('{% load glossary %}{% explain "withheld" "interval" %}').render(Context())
    assert html.startswith("<details")
    assert 'href="/help/glossary/#withheld"' in html
    assert "95% interval" in html


@pytest.mark.django_db
def test_accessibility_statement_is_public_and_names_the_standard_and_contact(client, settings):
    settings.REBALANCE_ACCESSIBILITY_CONTACT = "access@council.example"
    html = client.get(reverse("accessibility")).content.decode()
    assert "2.2" in html
    assert "level AA" in html
    assert 'href="mailto:access@council.example"' in html
    assert "last reviewed on" in html


def test_a_resident_who_chose_welsh_reads_the_statement_in_welsh_marked_as_our_own_translation(client, settings):
    settings.REBALANCE_ACCESSIBILITY_CONTACT = "access@council.example"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    html = client.get(reverse("accessibility")).content.decode()
    assert '<html lang="cy">' in html
    assert "Datganiad hygyrchedd ar gyfer Rebalance" in html
    assert NOTE_CY in html  # our own translation, until a translator has checked it
    assert NOTE_EN in html
    assert "lefel AA" in html
    assert 'href="mailto:access@council.example"' in html
    assert "Adolygwyd y datganiad hwn ddiwethaf ar" in html
    assert 'name="language" value="en"' in html  # and back to English from the statement itself
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("accessibility")).content.decode()
    assert "Accessibility statement for Rebalance" in english
    assert NOTE_CY not in english


def test_the_welsh_statement_has_the_english_ones_sections_and_list_items():
    """A change to one statement without the other shows here: the same headings and bullet points."""
    folder = Path(__file__).resolve().parents[3] / "templates" / "help"
    english, welsh = ((folder / name).read_text() for name in ("accessibility.html", "accessibility_cy.html"))
    for tag in ("<h2>", "<li>", "{% if contact %}"):
        assert english.count(tag) == welsh.count(tag), tag


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/help/glossary/", "/survey/", "/"])
def test_every_page_footer_links_the_glossary_and_the_statement(client, url):
    html = client.get(url).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert 'href="/help/glossary/"' in footer
    assert 'href="/help/accessibility/"' in footer
    assert 'rel="icon" href="/static/favicon.svg"' in html


@pytest.mark.django_db
def test_an_estate_manager_at_imports_gets_the_styled_403_with_the_reason(client):
    signed_in(client, Role.ESTATE_MANAGER, username="manager")
    response = client.get(reverse("indicators:import-list"))
    assert response.status_code == 403
    html = response.content.decode()
    assert '<link rel="stylesheet"' in html
    assert "<h1>You cannot use this page</h1>" in html
    assert "Only admins may see and run imports." in html
    assert "manager" in html
    assert "estate manager" in html
    assert f'href="{reverse("indicators:my-neighbourhoods")}"' in html


@pytest.mark.django_db
def test_a_bare_permission_denied_gets_a_plain_reason(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    from indicators.monitoring.help import FORBIDDEN_DEFAULT, permission_denied

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert FORBIDDEN_DEFAULT in response.content.decode()


@pytest.mark.django_db
def test_404_is_styled_with_the_path_and_ways_back(client):
    response = client.get("/places/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert "/places/no-such-page/" in html
    assert f'href="{reverse("login")}?next=/places/no-such-page/"' in html
    assert f'href="{reverse("surveys:start")}"' in html


def test_a_resident_who_chose_welsh_gets_the_404_in_welsh_with_ways_back(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    response = client.get("/survey/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Heb ddod o hyd i’r dudalen</h1>" in html
    assert NOTE_CY in html
    assert "/survey/no-such-page/" in html
    assert f'<a href="{reverse("surveys:start")}">Dechrau’r arolwg</a>' in html


def test_a_resident_who_chose_welsh_gets_the_expired_form_page_in_welsh(settings):
    from django.test import Client

    resident = Client(enforce_csrf_checks=True)
    resident.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    response = resident.post(reverse("surveys:start"), {"code": "ABCD"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Ni anfonwyd y ffurflen hon</h1>" in html
    assert "ail-lwythwch y dudalen" in html
    assert NOTE_CY in html


def test_500_renders_without_a_request_or_the_database():
    from django.template.loader import get_template

    html = get_template("500.html").render()  # what Django's server_error does: no context, no database
    assert "Sorry, something went wrong" in html
    assert 'href="/"' in html


@pytest.mark.django_db
def test_a_signed_in_non_admin_at_the_admin_is_told_why(client):
    signed_in(client, Role.OFFICER, username="officer")
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    html = response.content.decode()
    assert "The admin is for Rebalance admins" in html
    assert "officer" in html
    assert 'name="password"' not in html
    assert f'href="{reverse("indicators:my-neighbourhoods")}"' in html


@pytest.mark.django_db
def test_the_admin_still_signs_in_visitors_and_lets_admins_in(client):
    assert 'name="password"' in client.get(reverse("admin-login")).content.decode()
    signed_in(client, Role.ADMIN)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_wave_page_shows_full_clickable_addresses(client):
    wave = wave_factory(open_link=True)
    signed_in(client, Role.OFFICER, neighbourhoods=list(wave.neighbourhoods.all()))
    html = client.get(reverse("surveys:wave-detail", args=[wave.pk])).content.decode()
    start = f"http://testserver{reverse('surveys:wave-start', args=[wave.slug])}"
    opened = f"http://testserver{reverse('surveys:open', args=[wave.slug])}"
    assert f'<a class="url" href="{start}">{start}</a>' in html
    assert f'<a class="url" href="{opened}">{opened}</a>' in html
    assert 'href="/help/glossary/#invitation-code"' in html


@pytest.mark.django_db
def test_favicon_ico_does_not_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.svg")


@pytest.mark.django_db
def test_a_form_sent_without_a_valid_csrf_token_gets_the_styled_page():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(reverse("surveys:start"), {"code": "ABCD"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>This form was not sent</h1>" in html
    assert "reload the page and try again" in html


def test_400_renders_without_a_request():
    from django.template.loader import get_template

    html = get_template("400.html").render()  # what Django's bad_request does
    assert "could not read that request" in html
    assert 'href="/"' in html


def test_every_term_a_template_names_is_in_the_glossary():
    """A misspelt slug would fail its page at render time: find it here first, across every template."""
    from django.conf import settings

    used = set()
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for name, args in re.findall(r"\{% (term|explain) ([^%]*)%\}", path.read_text(encoding="utf-8")):
            quoted = re.findall(r'"([^"]*)"', args.split(" title=")[0])
            used.update(quoted[:1] if name == "term" else quoted)
    assert used
    assert used <= {t.slug for t in glossary.TERMS}
