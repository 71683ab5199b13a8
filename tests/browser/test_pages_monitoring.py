"""The monitoring pages in a real browser: three roles, values against the engine, downloads, axe-core, 320 px."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from indicators.engine.models import FactorScore, PairComparison, WorklessnessPoint
from indicators.engine.selectors.improvement import improvement_report
from tests.browser.conftest import axe_check, no_sideways_scroll
from tests.browser.conftest import log_in as sign_in
from tests.indicators.monitoring.world import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    return build_world()


def log_in(page, live_server, username: str) -> None:
    sign_in(page, live_server, username, PASSWORD)


def cell(page, table_key: str, row_header: str, column: int) -> str:
    """The text of a cell: the row whose header starts with row_header, the column'th cell (0 is the header)."""
    row = page.locator(f"#table-{table_key} tbody tr").filter(has=page.locator("th[scope=row]", has_text=row_header))
    return row.locator("th, td").nth(column).inner_text().strip()


def minus(text: str) -> str:
    return text.replace("-", "−")


def test_estate_manager_sees_their_neighbourhood_only(live_server, page, world):
    log_in(page, live_server, "manager.pages")
    page.goto(live_server.url + reverse("indicators:my-neighbourhoods"))
    names = page.locator("#table-neighbourhoods tbody th[scope=row] a").all_inner_texts()
    assert names == ["Anfield"]
    point = WorklessnessPoint.objects.get(
        level="neighbourhood", neighbourhood=world["anfield"], period__start="2021-01-01"
    )
    assert f"Now {point.rate:.1f}% in January 2021" in cell(page, "neighbourhoods", "Anfield", 1)
    axe_check(page, label="my neighbourhoods (estate manager)")

    page.get_by_role("link", name="Anfield").click()
    page.wait_for_url(f"**/neighbourhoods/{world['anfield'].pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Anfield"
    axe_check(page, label="neighbourhood (estate manager)")

    for url in (
        reverse("indicators:neighbourhood-detail", args=[world["harehills"].pk]),
        reverse("indicators:neighbourhood-detail", args=[world["everton"].pk]),
        reverse("indicators:matched-pair-detail", args=[world["liverpool_pair"].pk]),
        reverse("indicators:neighbourhood-export", args=[world["harehills"].pk, "csv"]),
    ):
        response = page.request.get(live_server.url + url)
        assert response.status == 404, url


def test_officer_reads_the_engine_numbers_downloads_and_passes_axe(live_server, page, world):
    log_in(page, live_server, "officer.pages")
    page.goto(live_server.url + reverse("indicators:my-neighbourhoods"))
    names = set(page.locator("#table-neighbourhoods tbody th[scope=row] a").all_inner_texts())
    assert names == {"Harehills", "Seacroft"}
    axe_check(page, label="my neighbourhoods (officer)")

    # Filter by status through the form, with the keyboard.
    page.select_option("#id_status", "improving")
    page.get_by_role("button", name="Apply filters").press("Enter")
    page.wait_for_url("**status=improving**")

    # A neighbourhood: the status table against FactorScore.
    harehills = world["harehills"]
    page.goto(live_server.url + reverse("indicators:neighbourhood-detail", args=[harehills.pk]))
    score = FactorScore.objects.get(
        level="neighbourhood", neighbourhood=harehills, factor="aspiration", wave=world["waves"][1]
    )
    assert cell(page, "changes", "Aspiration", 2) == f"{score.mean:.1f}"
    assert cell(page, "changes", "Aspiration", 4) == f"{score.ci_low:.1f} to {score.ci_high:.1f}"
    # The change since the last wave carries its own symbol (▲ ▼ ●) before the signed number.
    assert minus(f"{score.change:+.1f}") in cell(page, "changes", "Aspiration", 5)
    assert page.locator("#worklessness-chart svg[role=img]").count() == 1
    axe_check(page, label="neighbourhood (officer)")

    # The toggle opens the worklessness table without any script.
    table = page.locator("#table-worklessness")
    assert not table.is_visible()
    page.get_by_text("Show the worklessness figures as a table").click()
    assert table.is_visible()
    latest = WorklessnessPoint.objects.get(level="neighbourhood", neighbourhood=harehills, period__start="2021-01-01")
    assert cell(page, "worklessness", "January 2021", 1) == f"{latest.rate:.2f}"

    # Download the CSV and find the same figure in it.
    with page.expect_download() as info:
        page.get_by_text("Download one table as CSV").click()
        page.get_by_role("link", name="Where each factor stands at the latest wave", exact=False).click()
    content = open(info.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    rows = list(csv.reader(io.StringIO(content)))
    aspiration = next(r for r in rows if r and r[0] == "Aspiration" and len(r) > 3)
    assert float(aspiration[2]) == round(score.mean, 1)

    # Seacroft's figures are withheld, with the reason, never a zero.
    page.goto(live_server.url + reverse("indicators:neighbourhood-detail", args=[world["seacroft"].pk]))
    withheld = cell(page, "changes", "Confidence", 2)
    assert "Withheld" in withheld
    assert "Fewer than 10 responses" in withheld
    axe_check(page, label="neighbourhood with withheld figures")

    # The pair: the engine's difference in differences.
    page.goto(live_server.url + reverse("indicators:matched-pair-detail", args=[world["leeds_pair"].pk]))
    latest_pair = (
        PairComparison.objects.filter(pair=world["leeds_pair"], measure="worklessness:worklessness")
        .order_by("period__start")
        .last()
    )
    page.get_by_text("Show the worklessness figures as a table").click()
    assert cell(page, "pair-worklessness", "January 2021", 6) == minus(f"{latest_pair.difference_in_differences:+.1f}")
    axe_check(page, label="matched pair")

    # The league: the engine's share for Leeds, and a bad period as a form error.
    page.goto(live_server.url + reverse("indicators:league"))
    page.select_option("#id_area", "la:E08000035")
    page.select_option("#id_start", "January 2019")
    page.select_option("#id_end", "January 2021")
    page.get_by_role("button", name="Show the league").click()
    report = improvement_report(indicator_slug="worklessness", start="January 2019", end="January 2021")
    leeds = next(r for r in report.local_authorities if r.code == "E08000035")
    assert page.locator("#league-share").inner_text() == f"{leeds.share:.0f}%"
    axe_check(page, label="league")
    page.select_option("#id_start", "January 2021")
    page.select_option("#id_end", "January 2019")
    page.get_by_role("button", name="Show the league").click()
    assert "must come before the end" in page.get_by_role("alert").inner_text()
    axe_check(page, label="league with an error")

    page.goto(live_server.url + reverse("indicators:matched-pair-list"))
    axe_check(page, label="matched pairs")


def test_admin_sees_every_place(live_server, page, world):
    log_in(page, live_server, "admin.pages")
    page.goto(live_server.url + reverse("indicators:my-neighbourhoods"))
    names = set(page.locator("#table-neighbourhoods tbody th[scope=row] a").all_inner_texts())
    assert names == {"Harehills", "Seacroft", "Anfield", "Everton"}
    page.goto(live_server.url + reverse("indicators:matched-pair-detail", args=[world["liverpool_pair"].pk]))
    assert "Anfield and Everton" in page.get_by_role("heading", level=1).inner_text()
    page.goto(live_server.url + reverse("indicators:league") + "?area=region:greater-liverpool")
    assert page.locator("#table-league-areas").is_visible()
    axe_check(page, label="league for a region (admin)")


def test_pages_work_at_320_pixels_and_by_keyboard(live_server, phone, world):
    refused = []
    phone.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    log_in(phone, live_server, "officer.pages")
    urls = [
        reverse("indicators:my-neighbourhoods"),
        reverse("indicators:neighbourhood-detail", args=[world["harehills"].pk]),
        reverse("indicators:matched-pair-detail", args=[world["leeds_pair"].pk]),
        reverse("indicators:league"),
    ]
    for url in urls:
        phone.goto(live_server.url + url)
        no_sideways_scroll(phone)
        axe_check(phone, label=f"{url} at 320 px")
    assert refused == []  # nothing on the pages is blocked by the Content Security Policy
    # The first Tab reaches the skip link, which moves focus to the main content.
    phone.goto(live_server.url + urls[0])
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.className") == "skip-link"
    phone.keyboard.press("Enter")
    assert phone.evaluate("location.hash") == "#main"


def test_tables_show_without_javascript(live_server, browser, world):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server, "officer.pages")
        page.goto(live_server.url + reverse("indicators:neighbourhood-detail", args=[world["harehills"].pk]))
        assert page.locator("#table-changes").is_visible()
        page.get_by_text("Show the worklessness figures as a table").click()
        assert page.locator("#table-worklessness").is_visible()
    finally:
        context.close()
