"""Tables in the reports: data text is escaped, sources become short links."""

import pandas as pd

from icbl_analysis.report import _styled


def test_markup_and_hostile_urls_are_escaped():
    frame = pd.DataFrame(
        {
            "note": ["<script>alert(1)</script>"],
            "source_url": ['https://example.org/"><script>alert(2)</script>'],
            "status": ["on track"],
        }
    )
    html = _styled(frame).to_html()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)" in html
    assert '<a href="https://example.org/&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;">example.org</a>' in html
