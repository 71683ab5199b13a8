"""A neighbourhood's interventions as a table for its downloads (the page lists them in its own section)."""

from __future__ import annotations

from indicators.core.report_vocabulary import FACTOR_LABELS, RECOMMENDATION_LABELS
from indicators.interventions.presenters import in_words
from indicators.interventions.selectors import interventions_for_neighbourhood
from indicators.monitoring.exports import Column, Table, text


def interventions_table(*, user, neighbourhood) -> Table:
    """The recorded (accepted) interventions covering the neighbourhood, oldest first; names and titles are
    written as text, and the download defuses any that a spreadsheet would run as a formula."""
    rows = []
    for i in interventions_for_neighbourhood(user=user, neighbourhood=neighbourhood):
        rows.append(
            [
                text(i.title),
                text(i.start_date.isoformat(), note=in_words(i.start_date)),
                text(i.end_date.isoformat() if i.end_date else "still running"),
                text(i.lead_organisation),
                text("; ".join(n.display_name for n in i.neighbourhoods.all())),
                text("; ".join(FACTOR_LABELS[k] for k in i.factor_keys)),
                text("; ".join(RECOMMENDATION_LABELS[k] for k in i.recommendation_keys)),
                text(i.description),
            ]
        )
    return Table(
        key="interventions",
        caption=f"Interventions recorded in {neighbourhood.display_name}",
        columns=[
            Column("Intervention"),
            Column("Start date"),
            Column("End date"),
            Column("Lead organisation"),
            Column("Neighbourhoods it covers"),
            Column("Factors it addresses"),
            Column("Recommendations it answers"),
            Column("Description"),
        ],
        rows=rows,
        source="Recorded by officers in Rebalance (proposals not yet accepted are left out).",
        empty="No intervention has been recorded here.",
    )
