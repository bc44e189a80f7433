"""The compact table of a report page (analysis.publish.site.html.grid): phrase × period, uses linked to their
quotes, a rate only where the period has enough words, escaped, with a link to every column."""

from __future__ import annotations

import pandas as pd

from analysis.publish.site.html import grid

COLUMNS = "speaker period phrase label count speaker_words per_10k evidence"


def counts(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS.split())


def test_cells_hold_uses_linked_to_quotes_and_a_rate_only_from_enough_words():
    page = str(
        grid(
            counts(
                ("P", "2019", "as-i-said", "as I said", 3, 60_000, 0.5, "r/evidence/a.html#q-2019"),
                ("P", "2020", "as-i-said", "as I said", 2, 410, 48.78, "r/evidence/a.html#q-2020"),
                ("P", "2021", "as-i-said", "as I said", 0, 9_000, 0.0, None),
            ),
            csv="r/fig1_phrase_rates.csv",
            caption="Uses per year",
            anchor="rates_table",
        )
    )
    assert '<th scope="row">as I said</th>' in page and "as-i-said" not in page  # the label, not the slug
    assert '<td><a href="r/evidence/a.html#q-2019">3</a><br><span class="rate">0.50</span></td>' in page
    assert '<span class="rate">48.8</span>' not in page  # 410 words: too few for a rate
    assert '<a href="r/evidence/a.html#q-2020">2</a></td>' in page  # the uses still shown and linked
    assert "<td>0<br>" in page  # none in 2021: no link
    assert '<tr class="words"><th scope="row">his words</th><td>60,000</td><td>410</td><td>9,000</td>' in page
    assert '<a href="r/fig1_phrase_rates.csv">Every column (CSV)</a>' in page


def test_text_from_sources_is_escaped_and_rows_can_be_speaker_and_phrase():
    page = str(
        grid(
            counts(
                ("<b>A</b>", "2019", "x", "<script>x</script>", 1, 6_000, 1.67, "r/e.html#1"),
                ("B", "2019", "x", "<script>x</script>", 0, 7_000, 0.0, None),
            ),
            rows=("speaker", "label"),
            csv="r/x.csv",
            caption="Uses",
            anchor="t",
        )
    )
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;A&lt;/b&gt; · " in page
    assert 'class="words"' not in page  # two speakers: each row has its own words
    assert '<span class="rate">1.7</span>' in page and '<span class="rate">0.0</span>' in page
