import csv
import datetime
import io
import re

import pytest
from django.urls import reverse

from indicators.access.models import Role
from surveys.models import Invitation, Response, Wave
from surveys.services.waves import invitation_find
from tests.factories import NeighbourhoodFactory, staff
from tests.surveys.factories import GOOD_ANSWERS, codes_for, version_factory, wave_factory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    wave = wave_factory()
    mine = wave.neighbourhoods.get()
    theirs = NeighbourhoodFactory()
    wave.neighbourhoods.add(theirs)
    return wave, mine, theirs


def test_anonymous_visitors_and_people_without_a_role_see_no_staff_page(client, setting):
    _wave, _mine, _theirs = setting
    assert client.get(reverse("surveys:wave-list")).status_code == 302
    client.force_login(staff(None))
    assert client.get(reverse("surveys:wave-list")).status_code == 403


def test_officers_see_counts_for_their_own_neighbourhoods_only(client, setting):
    wave, mine, theirs = setting
    officer = staff(Role.OFFICER, neighbourhoods=[mine])
    client.force_login(officer)
    html = client.get(reverse("surveys:wave-detail", args=[wave.pk])).content.decode()
    assert mine.name in html
    assert theirs.name not in html
    hidden = wave_factory(neighbourhoods=[theirs], name="Not yours")
    assert client.get(reverse("surveys:wave-detail", args=[hidden.pk])).status_code == 404
    assert "Not yours" not in client.get(reverse("surveys:wave-list")).content.decode()


def test_officers_download_codes_as_csv_that_work_and_are_stored_only_hashed(client, setting):
    wave, mine, theirs = setting
    client.force_login(staff(Role.OFFICER, neighbourhoods=[mine]))
    url = reverse("surveys:wave-codes", args=[wave.pk])
    out = client.post(url, {"neighbourhood": mine.pk, "count": 5, "format": "csv"})
    assert out["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(out.content.decode("utf-8-sig"))))
    assert len(rows) == 5
    assert all(invitation_find(code=r["code"]).neighbourhood == mine for r in rows)
    assert rows[0]["survey_url"] == f"https://rebalance.example.org/survey/?code={rows[0]['code']}"
    # Not for a neighbourhood they do not look after.
    client.post(url, {"neighbourhood": theirs.pk, "count": 5, "format": "csv"})
    assert Invitation.objects.filter(neighbourhood=theirs).count() == 0


def test_officers_download_printable_letters_with_qr_codes(client, setting):
    wave, mine, _theirs = setting
    client.force_login(staff(Role.OFFICER, neighbourhoods=[mine]))
    out = client.post(
        reverse("surveys:wave-codes", args=[wave.pk]), {"neighbourhood": mine.pk, "count": 3, "format": "pdf"}
    )
    assert out["Content-Type"] == "application/pdf"
    assert out.content.startswith(b"%PDF")
    assert b"/Count 3" in out.content  # one page per code
    assert Invitation.objects.filter(wave=wave).count() == 3


def test_estate_managers_cannot_make_codes_export_or_enter_paper(client, setting):
    wave, mine, _theirs = setting
    client.force_login(staff(Role.ESTATE_MANAGER, neighbourhoods=[mine]))
    assert client.get(reverse("surveys:wave-detail", args=[wave.pk])).status_code == 200
    assert (
        client.post(
            reverse("surveys:wave-codes", args=[wave.pk]), {"neighbourhood": mine.pk, "count": 1, "format": "csv"}
        ).status_code
        == 403
    )
    assert client.get(reverse("surveys:paper", args=[wave.pk])).status_code == 403
    assert client.get(reverse("surveys:wave-export", args=[wave.pk, "csv"])).status_code == 403
    assert not Invitation.objects.exists()


def test_paper_entry_goes_through_the_same_checks_and_is_marked_paper(client, setting):
    wave, mine, theirs = setting
    officer = staff(Role.OFFICER, neighbourhoods=[mine])
    client.force_login(officer)
    url = reverse("surveys:paper", args=[wave.pk])
    html = client.get(url).content.decode()
    assert mine.name in html
    assert theirs.name not in html
    out = client.post(url, {"neighbourhood": mine.pk, "satisfied": "very"})
    assert out.status_code == 400
    assert 'href="#q-move"' in out.content.decode()
    assert not Response.objects.exists()
    out = client.post(url, {"neighbourhood": theirs.pk, **GOOD_ANSWERS})
    assert out.status_code == 400
    assert not Response.objects.exists()
    out = client.post(url, {"neighbourhood": mine.pk, **GOOD_ANSWERS})
    assert out.status_code == 302
    response = Response.objects.get()
    assert (response.channel, response.neighbourhood, response.entered_by) == ("paper", mine, officer)


def test_officers_start_a_wave_in_their_own_neighbourhoods(client, setting):
    _wave, mine, theirs = setting
    version = version_factory()
    client.force_login(staff(Role.OFFICER, neighbourhoods=[mine]))
    today = datetime.date.today()
    data = {
        "name": "Winter wave",
        "survey_version": version.pk,
        "opens_on": today,
        "closes_on": today,
        "neighbourhoods": [mine.pk],
    }
    out = client.post(reverse("surveys:wave-new"), data)
    assert out.status_code == 302
    wave = Wave.objects.get(name="Winter wave")
    assert list(wave.neighbourhoods.all()) == [mine]
    out = client.post(reverse("surveys:wave-new"), {**data, "name": "Grab", "neighbourhoods": [theirs.pk]})
    assert out.status_code == 200
    assert not Wave.objects.filter(name="Grab").exists()
    out = client.post(
        reverse("surveys:wave-new"), {**data, "name": "Backwards", "closes_on": today - datetime.timedelta(days=1)}
    )
    assert not Wave.objects.filter(name="Backwards").exists()


def test_officers_can_take_the_same_codes_as_csv_and_letters_together(client, setting):
    import zipfile

    wave, mine, _theirs = setting
    client.force_login(staff(Role.OFFICER, neighbourhoods=[mine]))
    out = client.post(
        reverse("surveys:wave-codes", args=[wave.pk]), {"neighbourhood": mine.pk, "count": 2, "format": "zip"}
    )
    bundle = zipfile.ZipFile(io.BytesIO(out.content))
    names = sorted(bundle.namelist())
    assert names[0].endswith("-codes.csv")
    assert names[1].endswith("-letters.pdf")
    rows = list(csv.DictReader(io.StringIO(bundle.read(names[0]).decode("utf-8-sig"))))
    assert len(rows) == 2
    assert bundle.read(names[1]).startswith(b"%PDF")


def test_paper_entry_with_the_printed_code_uses_the_code_up(client, setting):
    wave, mine, theirs = setting
    client.force_login(staff(Role.OFFICER, neighbourhoods=[mine]))
    url = reverse("surveys:paper", args=[wave.pk])
    code = codes_for(wave, neighbourhood=mine)[0]
    other = codes_for(wave, neighbourhood=theirs)[0]
    out = client.post(url, {"code": other, **GOOD_ANSWERS})
    assert out.status_code == 400
    out = client.post(url, {"code": "ABCD-EFGH-JKMN", **GOOD_ANSWERS})
    assert "No invitation in your neighbourhoods has this code" in out.content.decode()
    assert client.post(url, {"code": code.lower(), **GOOD_ANSWERS}).status_code == 302
    response = Response.objects.get()
    assert (response.channel, response.neighbourhood) == ("paper", mine)
    assert Invitation.objects.get(response=response).used
    out = client.post(url, {"code": code, **GOOD_ANSWERS})
    assert "already been used" in out.content.decode()
    assert Response.objects.count() == 1


def test_paper_entry_answers_a_code_of_another_authority_as_it_answers_a_made_up_one(client, setting):
    """Nothing tells an officer whether a code exists elsewhere, nor whether it was used there."""
    wave, mine, theirs = setting
    client.force_login(staff(Role.OFFICER, neighbourhoods=[mine]))
    url = reverse("surveys:paper", args=[wave.pk])
    theirs_fresh, theirs_used = codes_for(wave, count=2, neighbourhood=theirs)
    Invitation.objects.filter(pk=invitation_find(code=theirs_used).pk).update(used=True)
    other_wave = wave_factory(neighbourhoods=[theirs], name="Their wave")
    theirs_other_wave = codes_for(other_wave, neighbourhood=theirs)[0]
    made_up = "ABCD-EFGH-JKMN"
    assert invitation_find(code=made_up) is None
    answers = {}
    for code in (made_up, theirs_fresh, theirs_used, theirs_other_wave):
        out = client.post(url, {"code": code, "neighbourhood": mine.pk, **GOOD_ANSWERS})
        page = out.content.decode().replace(code, "CODE")  # the page repeats the code typed in its box
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)  # a fresh mask on every page
        answers[code] = (out.status_code, page)
    assert len(set(answers.values())) == 1
    status, page = answers[made_up]
    assert status == 400
    assert "No invitation in your neighbourhoods has this code" in page
    assert Response.objects.count() == 0
