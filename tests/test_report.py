"""Tables in the reports: data text is escaped, sources become short links, statuses read as words."""

from datetime import date

import pandas as pd

from icbl_analysis.core.escape import md
from icbl_analysis.present.tables import styled


def test_markup_and_hostile_urls_are_escaped():
    frame = pd.DataFrame(
        {
            "note": ["<script>alert(1)</script>"],
            "source_url": ['https://example.org/"><script>alert(2)</script>'],
            "status": ["on track"],
        }
    )
    html = styled(frame).to_html()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)" in html
    assert 'href="https://example.org/&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"' in html
    assert (
        "javascript:"
        not in styled(pd.DataFrame({"source_url": ["javascript:alert(1)"]})).to_html().split("<td")[1][:40]
    )


def test_people_words_and_readable_numbers():
    frame = pd.DataFrame(
        {"iso3": ["BIH"], "deadline": [date(2019, 3, 1)], "status": ["missed_outstanding"], "value": [1234567.0]}
    )
    html = styled(frame).to_html()
    assert "deadline missed, not completed" in html and "missed_outstanding" not in html
    assert "1\u00a0March\u00a02019" in html and "1,234,567" in html
    assert ">Deadline<" in html and ">State<" not in html and ">Code<" in html


def test_markdown_from_data_is_never_live():
    assert md("[click](javascript:alert(1))") == "\\[click\\]\\(javascript:alert\\(1\\)\\)"
    assert "<img" not in md("<img src=x onerror=alert(1)>")


def test_years_read_as_years_and_counts_with_separators():
    from icbl_analysis.present.tables import readable

    shown = readable(pd.DataFrame({"period": [2011], "year": [2015], "value": [3308.0], "count": [12000]}))
    assert shown.iloc[0].tolist() == [2011, 2015, "3,308", "12,000"]
