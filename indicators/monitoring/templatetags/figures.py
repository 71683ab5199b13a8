"""Rows of a figures table, written in Python: one tag per table rather than one include per cell."""

from __future__ import annotations

import html

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


def escape(value) -> str:
    """What django.utils.html.escape does, without its lazy-string wrapper: it runs for every cell."""
    return html.escape(str(value))


def cell_html(cell) -> str:
    if cell.withheld:
        return f'<span class="withheld">Withheld</span> <span class="cell-note">({escape(cell.note)})</span>'
    if cell.url:
        body = f'<a href="{escape(cell.url)}">{escape(cell.text)}</a>'
    elif cell.tag:
        body = f'<span class="tag tag-{escape(cell.tag)}">{escape(cell.text)}</span>'
    else:
        body = escape(cell.text)
    if cell.note:
        kind = "visually-hidden" if cell.quiet else "cell-note"
        body += f' <span class="{kind}">{escape(cell.note)}</span>'
    return body


@register.simple_tag
def table_body(table) -> str:
    """The table's rows: the first cell a row header, the others labelled with their column for narrow screens."""
    labels = [f' data-label="{escape(c.label)}"' for c in table.columns]
    lines = []
    for row in table.rows:
        cells = []
        for i, cell in enumerate(row):
            if i == 0:
                cells.append(f'<th scope="row">{cell_html(cell)}</th>')
            else:
                label = labels[i] if i < len(labels) else ""
                numeric = ' class="num"' if cell.numeric else ""
                cells.append(f'<td{label}{numeric}><span class="cell">{cell_html(cell)}</span></td>')
        lines.append("<tr>" + "".join(cells) + "</tr>")
    return mark_safe("\n".join(lines))  # noqa: S308 - every text in it went through escape()
