"""The note residents reading our own, unchecked Welsh are shown (surveys.welsh)."""

from django import template

from surveys.welsh import NOTE_CY, NOTE_EN, NOTICES_CHECKED, items_unchecked

register = template.Library()


@register.filter
def welsh_unchecked(items) -> bool:
    """A page's question items: whether any of them is worded in our unchecked Welsh."""
    return items_unchecked(items)


@register.inclusion_tag("surveys/_welsh_note.html")
def welsh_note(show: bool = True) -> dict:
    return {"show": show, "note_cy": NOTE_CY, "note_en": NOTE_EN}


@register.simple_tag
def notices_unchecked() -> bool:
    """The privacy notice's and letters' Welsh: ours, until a translator has checked it."""
    return not NOTICES_CHECKED
