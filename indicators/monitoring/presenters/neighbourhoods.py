"""My neighbourhoods as a table."""

from __future__ import annotations

from dataclasses import replace

from django.urls import reverse

from indicators.monitoring.content import FACTORS, SHORT_LABELS
from indicators.monitoring.exports import Column, Table, number, text
from indicators.monitoring.presenters.cells import factor_cell, rate_source, status_cell
from indicators.monitoring.selectors.neighbourhoods import MyNeighbourhoods


def my_neighbourhoods_table(data: MyNeighbourhoods) -> Table:
    span = data.window
    columns = [
        Column("Neighbourhood", sort="name"),
        Column("Local authority", sort="la"),
        Column("Most deprived IMD decile", numeric=True, sort="decile"),
        Column(f"Worklessness rate, {span.end or 'latest'} (%)", numeric=True, sort="rate"),
        Column(f"Change since {span.start or 'start'} (points)", numeric=True, sort="change"),
        Column("Change against benchmark (points)", numeric=True, sort="against"),
        Column("Against similar areas", sort="status"),
        Column("Residents answering, latest wave", numeric=True, sort="responses"),
    ] + [Column(SHORT_LABELS[key], numeric=True) for key, _ in FACTORS]
    rows = []
    for r in data.rows:
        n = r.neighbourhood
        rows.append(
            [
                text(n.name, url=reverse("indicators:neighbourhood-detail", args=[n.pk])),
                text(n.local_authority.name),
                number(r.decile, digits=0, missing="not loaded"),
                number(r.rate, digits=1, missing="no figure"),
                number(r.change, digits=2, signed=True),
                number(r.against_benchmark, digits=2, signed=True),
                status_cell(r.status),
                replace(number(r.responses, digits=0, missing="not surveyed", note=r.wave_name), quiet=True),
            ]
            + [factor_cell(r.factors.get(key)) for key, _ in FACTORS]
        )
    return Table(
        key="neighbourhoods",
        caption=f"Neighbourhoods you look after: {len(data.rows)} of {data.total} shown",
        columns=columns,
        rows=rows,
        source=rate_source(data.provenance, span)
        + " Factors: each neighbourhood's latest survey wave; colour and words give the change since the "
        "previous wave, or, at a first wave, the difference from everyone surveyed in it.",
        empty="No neighbourhood matches these filters.",
    )
