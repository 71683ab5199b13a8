"""Object-level access, generated from the routes themselves.

Every object endpoint in the OpenAPI schema, and every page or export URL that takes an id, is called by
an officer of Leeds with the id of something in Liverpool: each must answer 403 or 404. The same URL is
called by an admin, who must get 200, so the id is real and the refusal is about scope. A new route with an
id fails the test until it is added to the table below.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from indicators.engine.models import FactorScore, PairComparison, WorklessnessPoint
from indicators.interventions.services import intervention_create
from indicators.official.models import Indicator, Observation
from tests.factories import ImportFactory
from tests.indicators.accounts.factories import api_token
from tests.indicators.monitoring.world import build_world
from tests.surveys.factories import version_factory, wave_factory

pytestmark = pytest.mark.django_db

# Shared by design: not any one place's (national definitions of official indicators).
SHARED = {"/api/v1/indicators/{slug}/"}
# A captured object id: pk, id or something_id, as a converter or a named group (a page number is not one).
ID = re.compile(r"<(?:\w+:)?(?:pk|id|\w+_id|\w+_pk)>|\(\?P<(?:pk|id|\w+_id|\w+_pk)>")


@pytest.fixture
def world():
    world = build_world()
    liverpool, anfield = world["liverpool"], world["anfield"]
    wave = wave_factory(version=version_factory(slug="liverpool-only"), neighbourhoods=[anfield], name="Anfield")
    theirs = {
        "local-authorities": liverpool.pk,
        "neighbourhoods": anfield.pk,
        "matched-pairs": world["liverpool_pair"].pk,
        "imports": ImportFactory(indicator=Indicator.objects.first()).pk,
        "observations": Observation.objects.filter(small_area__local_authority=liverpool).first().pk,
        "surveys": wave.survey_version.survey_id,
        "waves": wave.pk,
        "factor-scores": FactorScore.objects.filter(neighbourhood=anfield).first().pk,
        "worklessness": WorklessnessPoint.objects.filter(neighbourhood=anfield).first().pk,
        "pair-comparisons": PairComparison.objects.filter(pair=world["liverpool_pair"]).first().pk,
        # Tokens belong to a person, not a place: another person's token (the admin's here) is refused.
        "api-tokens": api_token(world["admin"]).token.pk,
        "slug": Indicator.objects.first().slug,
        "interventions": intervention_create(
            user=world["manager"],  # a proposal, so that there is something to decide
            title="Anfield job club",
            lead_organisation="Liverpool City Council",
            start_date="2025-01-01",
            neighbourhoods=[anfield],
            factors=["work_connection"],
        ).pk,
        "versions": wave.survey_version_id,
        "questions": wave.survey_version.questions.order_by("pk").first().pk,
    }
    # Pages and exports by URL name: which of the ids above each one takes.
    pages = {
        "indicators:neighbourhood-detail": "neighbourhoods",
        "indicators:neighbourhood-export": "neighbourhoods",
        "indicators:matched-pair-detail": "matched-pairs",
        "indicators:matched-pair-export": "matched-pairs",
        "indicators:import-detail": "imports",
        "indicators:import-progress": "imports",
        "surveys:wave-detail": "waves",
        "surveys:wave-codes": "waves",
        "surveys:wave-reminders": "waves",
        "surveys:wave-export": "waves",
        "surveys:paper": "waves",
        "api-token-revoke": "api-tokens",
        "indicators:intervention-detail": "interventions",
        "indicators:intervention-edit": "interventions",
        "indicators:intervention-decide": "interventions",
        "indicators:intervention-delete": "interventions",
        "indicators:neighbourhood-answers": "neighbourhoods",
        "indicators:neighbourhood-answers-export": "neighbourhoods",
        # Questionnaires are shared between councils; the editor is for admins and officers an admin allows.
        "surveys:editor-version": "versions",
        "surveys:editor-copy": "versions",
        "surveys:editor-new": "versions",
        "surveys:editor-from-bank": "versions",
        "surveys:editor-preview": "versions",
        "surveys:editor-preview-page": "versions",
        "surveys:editor-preview-end": "versions",
        "surveys:xlsform-download": "versions",
        "surveys:editor-question": "questions",
        "surveys:editor-options": "questions",
        "surveys:editor-move": "questions",
        "surveys:editor-remove": "questions",
    }
    return {**world, "theirs": theirs, "pages": pages}


def _object_paths(client) -> dict[str, bool]:
    """Every API path naming one object, and whether it can be read (GET) rather than only acted on (POST)."""
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    return {path: "get" in methods for path, methods in schema["paths"].items() if "{" in path}


def _fill(path: str, theirs: dict) -> str:
    collection = path.split("/")[3]
    return re.sub(r"\{(\w+)\}", lambda m: str(theirs["slug" if m.group(1) == "slug" else collection]), path)


def test_every_api_object_endpoint_refuses_another_authoritys_objects(client, world):
    paths = _object_paths(client)
    assert len(paths) >= 10
    refused, allowed = {}, {}
    for path, readable in paths.items():
        url = _fill(path, world["theirs"])
        # An action (accept a proposal) is tried as a POST: found and answered (done, or refused as already
        # done) for whoever may see the object; 403 or 404 for anyone else.
        call = client.get if readable else lambda u: client.post(u, {}, content_type="application/json")
        client.force_login(world["officer"])
        refused[path] = call(url).status_code
        client.force_login(world["admin"])
        allowed[path] = call(url).status_code
    answered = {p: s for p, s in allowed.items() if s == 200 or (not paths[p] and s == 400)}
    assert {p: s for p, s in allowed.items() if p not in answered} == {}
    leaks = {p: s for p, s in refused.items() if s not in (403, 404) and p not in SHARED}
    assert leaks == {}, f"an officer of Leeds read Liverpool's objects: {leaks}"


def _id_patterns(resolver=None, prefix: str = "", namespace: str = ""):
    """(URL name, regex) for every route with a captured id, outside the admin."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            space = entry.namespace or namespace
            if space in ("admin", "v1"):  # the admin is admins-only; the API is walked through its schema
                continue
            yield from _id_patterns(entry, prefix + str(entry.pattern), space)
        elif isinstance(entry, URLPattern) and entry.name:
            regex = prefix + str(entry.pattern)
            if ID.search(regex):
                yield (f"{namespace}:{entry.name}" if namespace else entry.name), regex


def test_every_page_and_export_with_an_id_refuses_another_authoritys_objects(client, world):
    found = dict(_id_patterns())
    assert set(found) == set(world["pages"]), "a page with an id is missing from the table (or gone)"
    leaks, not_real = {}, {}
    for name, kind in world["pages"].items():
        kwargs = {"pk": world["theirs"][kind]}
        if "(?P<fmt>" in found[name]:
            kwargs["fmt"] = "csv"
        if "<str:lang>" in found[name]:
            kwargs["lang"] = "en"
        if "<int:number>" in found[name]:
            kwargs["number"] = 1
        url = reverse(name, kwargs=kwargs)
        client.force_login(world["admin"])
        method = client.get
        if client.get(url).status_code == 405:  # a form that only posts (making codes, say)
            method = client.post
        client.force_login(world["officer"])
        status = method(url).status_code
        if status not in (403, 404):
            leaks[url] = status
        client.force_login(world["admin"])
        # A form posted empty may be refused as incomplete (400): the page was reached.
        if (admin_status := method(url).status_code) >= 400 and admin_status != 400:
            not_real[url] = admin_status
    assert not_real == {}
    assert leaks == {}, f"an officer of Leeds reached Liverpool's pages: {leaks}"


def test_the_admin_is_closed_to_officers(client, world):
    client.force_login(world["officer"])
    response = client.get(f"/admin/indicators/neighbourhood/{world['anfield'].pk}/change/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin-login"))
