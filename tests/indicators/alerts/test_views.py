"""The e-mail choices page and the unsubscribe link's pages."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from indicators.access.models import Role
from indicators.alerts.models import AlertPreference
from indicators.alerts.services import unsubscribe_token
from indicators.audit.models import AuditEntry
from tests.factories import LocalAuthorityFactory, staff

PAGE = reverse("alerts:preferences")


@pytest.fixture
def officer(db):
    return staff(
        Role.OFFICER, username="officer.prefs", email="o@council.test", local_authorities=[LocalAuthorityFactory()]
    )


def test_an_officer_sees_the_defaults_and_saves_choices(client, officer):
    client.force_login(officer)
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "E-mails go to <strong>o@council.test</strong>" in html
    assert 'name="weekly_digest" id="id_weekly_digest" aria-describedby="weekly-hint" checked' not in html
    assert html.count(" checked") == 6  # the weekly digest and the five kinds; nothing at once

    saved = client.post(PAGE, {"immediate": "on", "kinds": ["waves", "verdicts"]}, follow=True)
    assert "Your e-mail choices are saved." in saved.content.decode()
    choice = AlertPreference.objects.get(user=officer)
    assert (choice.weekly_digest, choice.immediate) == (False, True)
    assert (choice.verdicts, choice.factors, choice.waves, choice.imports) == (True, False, True, False)
    assert AuditEntry.objects.filter(object_type="alerts.alertpreference", actor_id=officer.pk).exists()


def test_an_unknown_kind_is_refused_with_the_field_named(client, officer):
    client.force_login(officer)
    page = client.post(PAGE, {"weekly_digest": "on", "kinds": ["gossip"]})
    assert page.status_code == 400
    assert "What the e-mails tell you about: Select a valid choice. gossip is not one of the available choices." in (
        page.content.decode()
    )
    assert not AlertPreference.objects.exists()


def test_who_may_not_choose(client, db):
    assert client.get(PAGE).status_code == 302  # to sign in
    client.force_login(staff(Role.ADMIN, username="admin.prefs"))
    refused = client.get(PAGE)
    assert refused.status_code == 403
    assert "E-mail alerts are for neighbourhood officers and estate managers." in refused.content.decode()


def test_the_tokens_page_links_here(client, officer):
    client.force_login(officer)
    assert f'href="{PAGE}"' in client.get(reverse("api-tokens")).content.decode()


def test_unsubscribe_asks_then_stops_everything_without_sign_in(client, officer):
    url = reverse("alerts:unsubscribe", args=[unsubscribe_token(officer)])
    asked = client.get(url)
    assert asked.status_code == 200
    assert "This stops the weekly digest and every urgent e-mail to o@council.test." in asked.content.decode()
    assert not AlertPreference.objects.exists()  # a link checker opening it changes nothing

    done = client.post(url)
    assert done.status_code == 200
    assert "Rebalance will send no more digests or urgent e-mails" in done.content.decode()
    choice = AlertPreference.objects.get(user=officer)
    assert (choice.weekly_digest, choice.immediate) == (False, False)
    assert client.post(url).status_code == 200  # twice is fine


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_says_so_and_changes_nothing(client, officer, method):
    token = unsubscribe_token(officer)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for bad in (tampered, "not-a-token", token.split(":")[0]):
        page = getattr(client, method)(reverse("alerts:unsubscribe", args=[bad]))
        assert page.status_code == 400
        text = page.content.decode()
        assert "This unsubscribe link does not work" in text
        assert "This link is not one we sent, or part of it is missing. Nothing has been changed." in text
    assert not AlertPreference.objects.exists()


def test_a_link_for_a_deleted_account(client, officer):
    url = reverse("alerts:unsubscribe", args=[unsubscribe_token(officer)])
    get_user_model().objects.filter(pk=officer.pk).delete()
    page = client.get(url)
    assert page.status_code == 400
    assert "This link names an account that no longer exists." in page.content.decode()


def test_a_link_with_a_slash_in_it_is_a_plain_not_found(client, officer):
    page = client.get("/alerts/unsubscribe/abc/def/")
    assert page.status_code == 404
