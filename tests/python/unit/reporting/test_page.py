"""The report page's template: values escaped, every section of SECTIONS required."""

from __future__ import annotations

import pytest

from ml.reporting.page import SECTIONS


def test_the_template_escapes_what_it_shows_and_needs_every_section():
    import pandas as pd

    from ml.reporting.page import Page, render

    page = Page()
    for anchor, _ in SECTIONS:
        page.heading(anchor)
    page.table(pd.DataFrame({"title": ["<b>Heat</b> & co"], "rating": [4.5]}), {"rating": ".1f"})
    text = render(page)
    assert "&lt;b&gt;Heat&lt;/b&gt; &amp; co" in text and "<b>Heat" not in text
    assert '<td class="num">4.5</td>' in text
    page.sections.pop(0)
    with pytest.raises(ValueError, match="SECTIONS"):
        render(page)
