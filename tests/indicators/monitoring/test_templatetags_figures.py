from __future__ import annotations

from django.utils.translation import gettext_lazy

from indicators.monitoring.exports import Column, Table, number, text, withheld
from indicators.monitoring.templatetags.figures import table_body


def test_every_text_in_a_table_body_is_escaped():
    table = Table(
        key="t",
        caption="c",
        columns=[Column("Place"), Column(gettext_lazy("Rate & <change>"), numeric=True), Column("Note")],
        rows=[
            [
                text("<script>alert(1)</script>", url='/places/?a=1&b="2"'),
                number(12.5),
                text("Tom & Jerry's", tag="good", note="<b>why</b>"),
            ],
            [text("Seacroft"), withheld("Fewer than 10 <responses>"), text("")],
        ],
    )
    body = table_body(table)
    assert "<script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert 'href="/places/?a=1&amp;b=&quot;2&quot;"' in body
    assert 'data-label="Rate &amp; &lt;change&gt;"' in body  # a lazy label too
    assert "Tom &amp; Jerry&#x27;s" in body
    assert "&lt;b&gt;why&lt;/b&gt;" in body
    assert "(Fewer than 10 &lt;responses&gt;)" in body
    assert body.count("<tr>") == 2
    assert '<th scope="row">Seacroft</th>' in body
