"""The comparison panels in words: a neighbourhood's statistical neighbours, and "Did it work?" for each
intervention (the engine's estimates; the words come from ``engine.selectors.comparisons`` so that the pages, the
API and the alerts say the same)."""

from __future__ import annotations

from django.urls import reverse

from indicators.core.report_vocabulary import FACTOR_LABELS
from indicators.engine.models import EffectEstimate
from indicators.engine.selectors import comparisons
from indicators.engine.selectors.verdicts import EFFECT_BETTER, EFFECT_NO_CLEAR_DIFFERENCE, EFFECT_WORSE
from indicators.official.models import DeprivationDomain

DOMAIN_LABELS = dict(DeprivationDomain.Domain.choices)
EDITION_LABELS = {"iod2019": "IoD 2019", "iod2025": "IoD 2025"}
VERDICT_TAGS = {EFFECT_BETTER: "good", EFFECT_NO_CLEAR_DIFFERENCE: "neutral", EFFECT_WORSE: "bad"}
STATUS_TAGS = {
    EffectEstimate.Status.TOO_EARLY: "none",
    EffectEstimate.Status.NO_BASELINE: "none",
    EffectEstimate.Status.NO_COMPARISON: "none",
    EffectEstimate.Status.WITHHELD: "none",
}


def _deprivation_words(basis: dict) -> str:
    names = basis.get("measures", {}).get("deprivation", [])
    edition = EDITION_LABELS.get(basis.get("edition", ""), "")
    if names and names[0].startswith("domain:"):
        domains = [DOMAIN_LABELS.get(n.split(":", 1)[1], n).lower() for n in names]
        return f"deprivation ({len(domains)} {edition} domains: {', '.join(domains)})"
    if names:
        scale = "rank" if "imd:rank" in names else "score"
        return f"deprivation ({edition} IMD {scale} and share of small areas in the most deprived tenth)"
    return ""


def basis_words(basis: dict) -> str:
    """'by deprivation (…), size and worklessness in March 2015': what the distance was measured on."""
    measures = basis.get("measures", {})
    parts = [_deprivation_words(basis)]
    size = measures.get("size", [])
    if size:
        parts.append("size (working-age residents)" if size[0] == "working_age_residents" else "size (small areas)")
    if measures.get("worklessness"):
        parts.append(f"worklessness in {basis.get('baseline_period')}")
    parts = [p for p in parts if p]
    if not parts:
        return ""
    return "by " + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0])


def similar_panel(*, user, neighbourhood_id: int) -> dict:
    found = comparisons.statistical_neighbours(user=user, neighbourhood_id=neighbourhood_id)
    rows = [
        {
            "name": n.neighbourhood.display_name,
            "authority": n.neighbourhood.local_authority.name,
            "distance": f"{n.distance:.2f}",
            "url": reverse("indicators:neighbourhood-detail", args=[n.neighbourhood.pk]) if n.visible else "",
            "rank": n.rank,
        }
        for n in found.neighbours
    ]
    names = ", ".join(r["name"] for r in rows)
    return {
        "rows": rows,
        "sentence": f"Neighbourhoods most like this one: {names}, {basis_words(found.basis)}." if rows else "",
        "outside": sum(1 for n in found.neighbours if not n.visible),
    }


def _number(value: float | None, measure: str) -> str:
    if value is None:
        return ""
    return f"{value:.1f}%" if measure == "worklessness" else f"{value:.0f}"


def _entry(effect: comparisons.Effect) -> dict:
    row = effect.row
    label = "Worklessness" if row.measure == "worklessness" else FACTOR_LABELS.get(row.measure, row.measure)
    entry = {
        "measure": row.measure,
        "label": label,
        "withheld": effect.withheld,
        "withheld_reason": effect.withheld_reason,
        "note": row.note,
        "sentence": comparisons.effect_sentence(effect),
        "tag": VERDICT_TAGS.get(effect.verdict) or STATUS_TAGS.get(row.status, "none"),
        "tag_words": comparisons.verdict_words(effect) or ("Withheld" if effect.withheld else row.get_status_display()),
        "weak": [] if effect.withheld else row.weak_reasons,
    }
    if effect.withheld or row.status != EffectEstimate.Status.ESTIMATED:
        return entry
    group = comparisons.comparison_name(row.comparison_kind)
    over = "over" if row.measure == "worklessness" else "in"  # a span of months, or a survey wave
    entry["here"] = (
        f"Here: {_number(row.treated_before, row.measure)} {over} {row.before_label} before it started, "
        f"{_number(row.treated_after, row.measure)} {over} {row.after_label} after: "
        f"{comparisons.signed(row.treated_change)} points."
    )
    entry["there"] = (
        f"In {group}: {_number(row.comparison_before, row.measure)} before, "
        f"{_number(row.comparison_after, row.measure)} after: {comparisons.signed(row.comparison_change)} points."
    )
    entry["group"] = [n.display_name for n in effect.comparison]
    entry["difference"] = (
        f"{comparisons.signed(row.estimate)} points (95% interval {comparisons.plain(row.ci_low)} to "
        f"{comparisons.plain(row.ci_high)})"
    )
    return entry


def effects_panel(
    *, user, neighbourhood_id: int | None = None, intervention_id: int | None = None, recorded=None
) -> list[dict]:
    """One block per intervention (per neighbourhood it covers, on an intervention's page), each outcome in it.
    ``recorded``: the interventions a page already lists; none there, no query here."""
    if recorded is not None and not recorded:
        return []
    blocks: dict[tuple[int, int], dict] = {}
    for effect in comparisons.effect_estimates(
        user=user, neighbourhood_id=neighbourhood_id, intervention_id=intervention_id
    ):
        row = effect.row
        block = blocks.setdefault(
            (row.intervention_id, row.neighbourhood_id),
            {
                "intervention": row.intervention,
                "neighbourhood": row.neighbourhood,
                "started": row.intervention.start_date,
                "entries": [],
            },
        )
        block["entries"].append(_entry(effect))
    return list(blocks.values())
