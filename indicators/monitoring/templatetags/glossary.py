"""Inline help from the glossary (``indicators.monitoring.glossary``), the same definitions as the glossary page.

- ``{% load glossary %}{% term "lsoa" %}`` or ``{% term "lsoa" "LSOAs" %}``: the word as a link to its glossary
  entry (which shows the definition), with its short definition as the link's description: screen readers read it
  after the link, and a mouse pointer resting on the word shows it. No pop-up of our own: one that could not be
  dismissed with Escape without JavaScript would fail WCAG 1.4.13.
- ``{% explain "lsoa" "imd-decile" %}``: a "What these words mean" box (``<details>``, opens without
  JavaScript) with each term's short definition in full view and a link to its entry; for beside a table or chart.
"""

from __future__ import annotations

from itertools import count

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from indicators.monitoring import glossary

register = template.Library()

# Ids only need to be unique within a page; a process-wide counter gives that without any state in the context.
_ids = count(1)


def entry_url(slug: str) -> str:
    return f"{reverse('glossary')}#{slug}"


@register.simple_tag
def term(slug: str, label: str = "") -> str:
    entry = glossary.term(slug)
    html = render_to_string(
        "help/_term.html",
        {"term": entry, "label": label or entry.name, "url": entry_url(slug), "id": f"term-{slug}-{next(_ids)}"},
    )
    return mark_safe(html.strip())  # noqa: S308 - rendered with autoescaping; stripped so no space follows the word


@register.simple_tag
def explain(*slugs: str, title: str = "What these words mean") -> str:
    entries = [(glossary.term(slug), entry_url(slug)) for slug in slugs]
    return render_to_string("help/_explain.html", {"entries": entries, "title": title})
