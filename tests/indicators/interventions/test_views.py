"""The intervention pages: record, list, change, decide and delete; on the neighbourhood page and its chart."""

import datetime as dt
import html as htmllib
import re

import pytest
from django.urls import reverse

from indicators.audit.models import AuditEntry
from indicators.interventions.models import Intervention, Status
from indicators.interventions.services import intervention_create
from tests.indicators.monitoring.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def text_of(response) -> str:
    return text_of_html(response.content.decode())


def text_of_html(html: str) -> str:
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def form(w, **changes):
    data = {
        "title": "Harehills employment hub",
        "lead_organisation": "Leeds City Council employment team",
        "neighbourhoods": [w["harehills"].pk],
        "start_date": "2020-06-01",
        "end_date": "",
        "factors": ["work_connection", "confidence"],
        "recommendations": ["local_welfare_to_work"],
        "description": "Weekly drop-in at the community centre.",
    }
    data.update(changes)
    return data


def test_an_officer_records_one_and_sees_it_listed_and_on_the_chart(client, world):
    client.force_login(world["officer"])
    new = client.get(reverse("indicators:intervention-new") + f"?neighbourhood={world['harehills'].pk}")
    assert new.status_code == 200
    assert f'value="{world["harehills"].pk}" checked' in new.content.decode().replace("\n", " ") or re.search(
        rf'value="{world["harehills"].pk}"[^>]*checked', new.content.decode()
    )
    assert "Anfield" not in text_of(new)  # another authority's places are not offered
    response = client.post(reverse("indicators:intervention-new"), form(world))
    made = Intervention.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:intervention-detail", args=[made.pk])
    assert made.status == Status.ACCEPTED
    detail = text_of(client.get(response["Location"]))
    assert "From 1 June 2020, still running" in detail
    assert "Connection to work" in detail
    listed = text_of(client.get(reverse("indicators:intervention-list")))
    assert "Recorded (1)" in listed
    assert "Harehills employment hub" in listed
    page = client.get(reverse("indicators:neighbourhood-detail", args=[world["harehills"].pk]))
    html = page.content.decode()
    body = text_of(page)
    assert "What has been done here" in body
    assert "Shaded A: Harehills employment hub, from 1 June 2020, still running" in body
    chart = re.search(r'<figure class="chart" id="worklessness-chart">.*?</figure>', html, flags=re.S).group(0)
    assert chart.count('fill="#f6e7a6"') == 2  # the shaded period and its key
    assert "Shaded: A: Harehills employment hub" in chart  # in the chart's description for screen readers
    # The factors' small charts shade it only where it addresses the factor, with the same letter, keyed once.
    multiples = re.search(r'<figure class="chart multiples-chart".*?</figure>', html, flags=re.S).group(0)
    panels = {
        re.search(r'class="multiple-title"[^>]*>([^<]+)<', part).group(1): part
        for part in multiples.split('<div class="multiple">')[1:]
    }
    shaded = {title for title, part in panels.items() if 'fill="#f6e7a6"' in part}
    assert shaded == {"Connection to work", "Confidence"}
    assert ">A</text>" in panels["Confidence"]
    legend = multiples.split('<div class="multiples">')[0]
    assert legend.count('fill="#f6e7a6"') == 1
    assert (
        "Shaded A: Harehills employment hub, from 1 June 2020, still running (it began before the chart does), "
        "in the charts of the factors it addresses" in text_of_html(legend)
    )
    assert AuditEntry.objects.filter(object_type="interventions.intervention", action="add").count() == 1


def test_bad_input_is_a_form_error_not_a_crash(client, world):
    client.force_login(world["officer"])
    cases = [
        ({"title": ""}, "What was done: Enter this"),
        ({"start_date": "31/02/2021"}, "Start date: Enter a real date"),
        ({"start_date": "2021-05-01", "end_date": "2021-04-01"}, "is before the start"),
        ({"neighbourhoods": []}, "Choose at least one neighbourhood"),
        ({"neighbourhoods": [world["anfield"].pk]}, "Select a valid choice"),
        ({"factors": [], "recommendations": []}, "Choose at least one of the report's factors"),
        ({"factors": ["weather"]}, "Select a valid choice"),
        ({"title": "x" * 500}, "at most 160 characters"),
        ({"start_date": "1066-10-14"}, "Give a date between 1990"),
        ({"title": "Hub\x00"}, "What was done"),
    ]
    for changes, message in cases:
        response = client.post(reverse("indicators:intervention-new"), form(world, **changes))
        assert response.status_code == 400, changes
        assert "There is a problem" in text_of(response), changes
        assert message in text_of(response), (changes, text_of(response)[:2000])
    assert not Intervention.objects.exists()


def test_other_authorities_interventions_are_not_found(client, world):
    theirs = intervention_create(
        user=world["admin"],
        title="Anfield clean-up",
        lead_organisation="Liverpool City Council",
        start_date=dt.date(2020, 1, 1),
        neighbourhoods=[world["anfield"]],
        factors=["housing_environment"],
    )
    client.force_login(world["officer"])
    for name in ("intervention-detail", "intervention-edit", "intervention-delete"):
        assert client.get(reverse(f"indicators:{name}", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("indicators:intervention-delete", args=[theirs.pk])).status_code == 404
    assert "Anfield clean-up" not in text_of(client.get(reverse("indicators:intervention-list")))
    assert Intervention.objects.filter(pk=theirs.pk).exists()


def test_an_estate_manager_proposes_and_an_officer_accepts(client, world):
    client.force_login(world["manager"])
    response = client.post(
        reverse("indicators:intervention-new"),
        form(world, title="Anfield crime and grime clean-up", neighbourhoods=[world["anfield"].pk]),
    )
    proposal = Intervention.objects.get()
    assert proposal.status == Status.PROPOSED
    proposed_page = text_of(client.get(response["Location"]))
    assert "Proposed: waiting for an officer" in proposed_page
    assert "Did it work?" not in proposed_page  # a proposal is not estimated
    # Not on the chart until accepted.
    page = text_of(client.get(reverse("indicators:neighbourhood-detail", args=[world["anfield"].pk])))
    assert "Shaded A" not in page
    assert "1 proposal waiting for a decision" in page
    # The estate manager cannot decide their own proposal.
    decide = reverse("indicators:intervention-decide", args=[proposal.pk])
    assert client.post(decide, {"action": "accept"}).status_code == 403
    client.force_login(world["admin"])
    assert client.post(decide, {"action": "maybe"}).status_code == 400
    response = client.post(decide, {"action": "accept", "note": "Agreed at the estate board"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.ACCEPTED
    # Accepted, its page asks whether it worked, and says when that will be known.
    accepted_page = text_of(client.get(response["Location"]))
    assert "Did it work?" in accepted_page
    assert "It cannot be compared yet: estimates are made at the next full recompute, each night." in accepted_page
    again = client.post(decide, {"action": "decline"})
    assert again.status_code == 403  # nothing left to decide


def test_an_officer_changes_and_deletes(client, world):
    client.force_login(world["officer"])
    client.post(reverse("indicators:intervention-new"), form(world))
    made = Intervention.objects.get()
    edit = reverse("indicators:intervention-edit", args=[made.pk])
    assert 'value="Harehills employment hub"' in client.get(edit).content.decode()
    response = client.post(edit, form(world, end_date="2021-03-31"))
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.end_date == dt.date(2021, 3, 31)
    assert client.post(reverse("indicators:intervention-delete", args=[made.pk])).status_code == 302
    assert not Intervention.objects.exists()
    actions = list(
        AuditEntry.objects.filter(object_type="interventions.intervention")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["add", "change", "delete"]


def test_residents_and_roleless_users_are_refused(client, world):
    assert client.get(reverse("indicators:intervention-list")).status_code == 302  # to sign in
    from tests.factories import staff

    client.force_login(staff(None, username="nobody"))
    assert client.get(reverse("indicators:intervention-list")).status_code == 403
    assert client.post(reverse("indicators:intervention-new"), form(world)).status_code == 403
