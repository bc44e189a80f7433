"""The charts every report uses (analysis.publish.charts), on small hand-made tables."""

from __future__ import annotations

import itertools
import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from analysis.publish import charts
from analysis.publish.charts import PALETTE, save_chart, wrap
from analysis.publish.charts.timeaxis import time_positions
from analysis.publish.sentences.text import source_line
from analysis.publish.site.report import figure

SOURCE = "Source: test. Analysis: Refrain."
LONG_TITLE = "Putin says “That's all there is to it” most often in 2020: three times in his own words"


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def tick_labels(axis) -> list[str]:
    return [t.get_text() for t in axis.get_ticklabels()]


def figure_texts(fig) -> list[str]:
    """Texts placed on the figure (the source line, its wrapping undone), not its suptitle."""
    return [" ".join(t.get_text().split()) for t in fig.texts if t is not fig._suptitle]


# --- source_line, wrap -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sources, line",
    [
        (["en.kremlin.ru"], "Source: en.kremlin.ru transcripts (CC BY 4.0). Analysis: Refrain."),
        (  # each outlet once, sorted by its key (upper case first)
            ["en.kremlin.ru", "Meduza (English edition)", "en.kremlin.ru"],
            "Source: Meduza translation; en.kremlin.ru transcripts (CC BY 4.0). Analysis: Refrain.",
        ),
        (["Test fixture"], "Source: Test fixture. Analysis: Refrain."),  # an outlet without a credit line
    ],
)
def test_source_line(sources, line):
    assert source_line(sources) == line


@pytest.mark.parametrize(
    "title, width, wrapped",
    [
        ("Short title", 64, "Short title"),
        (LONG_TITLE, 64, "Putin says “That's all there is to it” most often in 2020: three\ntimes in his own words"),
        ("one two three four", 9, "one two\nthree\nfour"),
        (
            "https://en.kremlin.ru/events/president/news/90001 link",
            20,
            "https://en.kremlin.ru/events/president/news/90001\nlink",
        ),
    ],
)
def test_wrap(title, width, wrapped):
    assert wrap(title, width) == wrapped
    assert all(len(line) <= width for line in wrapped.splitlines() if " " in line)  # long words are not broken


# --- phrase_rate_chart -------------------------------------------------------------------------


def rate_counts() -> pd.DataFrame:
    # "finality" in 2019 and 2020, "emphasis" only in 2020 (2019 missing: drawn as 0)
    return pd.DataFrame(
        {
            "period": ["2019", "2020", "2020"],
            "phrase": ["finality", "finality", "emphasis"],
            "count": [1, 3, 2],
            "per_10k": [2.5, 6.0, 4.0],
            "per_10k_low": [0.1, 1.2, 0.5],
            "per_10k_high": [13.9, 17.5, 14.4],
            "share_of_statements": [0.5, 1.0, 0.5],
            "share_low": [0.01, 0.3, 0.01],
            "share_high": [0.99, 1.0, 0.99],
        }
    )


def test_phrase_rate_chart_has_one_panel_per_phrase():
    fig = charts.phrase_rate_chart(rate_counts(), title=LONG_TITLE, source=SOURCE)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    top, bottom = fig.axes
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["“finality”", "“emphasis”"]
    assert [p.get_height() for p in top.patches] == [2.5, 6.0]
    assert [p.get_height() for p in bottom.patches] == [0.0, 4.0]
    assert [t.get_text() for t in top.texts] == ["n=1", "n=3"]
    assert [t.get_text() for t in bottom.texts] == ["n=0", "n=2"]
    assert all(any(isinstance(c, ErrorbarContainer) for c in ax.containers) for ax in fig.axes)
    assert tick_labels(bottom.xaxis) == ["2019", "2020"] and bottom.get_xlabel() == "Period"
    assert top.get_ylabel() == "uses per 10,000"  # the long label cut at " of "
    assert fig._suptitle.get_text() == wrap(LONG_TITLE)
    assert figure_texts(fig) == [
        f"{SOURCE} Bars: uses per 10,000 of the speaker's words; whiskers: 95% interval; n: raw count; "
        "all panels share one scale."
    ]


def test_phrase_rate_chart_raw_counts_have_no_whiskers():
    fig = charts.phrase_rate_chart(rate_counts(), title="T", source=SOURCE, per="raw")
    top, bottom = fig.axes
    assert [p.get_height() for p in top.patches] == [1.0, 3.0]
    assert [p.get_height() for p in bottom.patches] == [0.0, 2.0]
    assert not any(isinstance(c, ErrorbarContainer) for ax in fig.axes for c in ax.containers)
    assert top.get_ylabel() == "uses (raw count)"
    assert figure_texts(fig) == [f"{SOURCE} Bars: uses (raw count); n: raw count; all panels share one scale."]


def test_phrase_rate_chart_share_of_statements_and_smoothed_line():
    counts = rate_counts().assign(smooth=[2.0, 5.0, 4.0])
    fig = charts.phrase_rate_chart(counts, title="T", source=SOURCE, per="statements", smoothed="smooth")
    top = fig.axes[0]
    assert [p.get_height() for p in top.patches] == [0.5, 1.0]
    assert [line.get_label() for line in top.lines if line.get_label() == "smoothed"] == ["smoothed"]
    smoothed = next(line for line in top.lines if line.get_label() == "smoothed")
    assert list(smoothed.get_ydata()) == [2.0, 5.0]


def test_phrase_rate_chart_of_one_phrase_in_one_period():
    counts = rate_counts().head(1)
    fig = charts.phrase_rate_chart(counts, title="T", source=SOURCE)
    assert len(fig.axes) == 1 and len(fig.axes[0].patches) == 1
    assert tick_labels(fig.axes[0].xaxis) == ["2019"]


@pytest.mark.parametrize(
    "periods, positions, is_time",
    [
        (["2012", "2013", "2016"], [2012.0, 2013.0, 2016.0], True),  # the 2013→2016 gap stays a gap
        (["2019-01", "2019-12"], [2019 + 0.5 / 12, 2019 + 11.5 / 12], True),
        (["2020-01-01 kremlin-1", "2020-12-31 kremlin-2"], [2020 + 0.5 / 366, 2020 + 365.5 / 366], True),
        (["A statement", "Another"], [0.0, 1.0], False),
        (["2025-11-27 meduza-1"], [0.0], False),  # a single period keeps its own label
    ],
)
def test_time_positions(periods, positions, is_time):
    got, width, time = time_positions(periods)
    assert got == pytest.approx(positions) and time is is_time and 0 < width <= 0.7


def gap_counts(words=(40_000, 3_000, 50_000)) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": ["2012", "2013", "2016"] * 2,
            "phrase": ["a"] * 3 + ["b"] * 3,
            "count": [10, 5, 20, 1, 0, 2],
            "speaker_words": list(words) * 2,
            "per_10k": [2.5, 16.7, 4.0, 0.25, 0.0, 0.4],
            "per_10k_low": [1.2, 5.4, 2.4, 0.0, 0.0, 0.05],
            "per_10k_high": [4.6, 38.9, 6.2, 1.4, 12.3, 1.4],
        }
    )


def test_phrase_rate_chart_shows_gaps_in_time_and_one_shared_scale():
    fig = charts.phrase_rate_chart(gap_counts(words=(40_000, 30_000, 50_000)), title="T", source=SOURCE)
    top, bottom = fig.axes
    assert [p.get_x() + p.get_width() / 2 for p in top.patches] == pytest.approx([2012, 2013, 2016])
    assert tick_labels(bottom.xaxis) == ["2012", "2013", "2014", "2015", "2016"]  # the missing years shown
    assert top.get_ylim() == bottom.get_ylim()  # one scale for every panel, and said so
    assert "all panels share one scale" in figure_texts(fig)[0]


def test_phrase_rate_chart_does_not_draw_a_rate_on_too_few_words():
    fig = charts.phrase_rate_chart(gap_counts(), title="T", source=SOURCE)
    top = fig.axes[0]
    assert [p.get_height() for p in top.patches] == [2.5, 0.0, 4.0]  # 2013: 3,000 words, no bar
    whiskers = next(c for c in top.containers if isinstance(c, ErrorbarContainer))
    segments = whiskers.lines[2][0].get_segments()
    assert [float(seg[1][1] - seg[0][1]) for seg in segments][1] == 0.0  # and no tall whisker
    assert [t.get_text() for t in top.texts] == ["n=10", "too few words", "n=20"]
    assert "“too few words”: under 5,000 of his words in the period, rate not drawn" in figure_texts(fig)[0]
    # raw counts have no denominator to be too small for
    raw = charts.phrase_rate_chart(gap_counts(), title="T", source=SOURCE, per="raw")
    assert [p.get_height() for p in raw.axes[0].patches] == [10.0, 5.0, 20.0]


def test_phrase_rate_chart_per_document_stays_readable():
    dates = pd.date_range("2016-01-01", periods=60, freq="9D").strftime("%Y-%m-%d")
    counts = pd.DataFrame(
        {
            "period": [f"{d} kremlin-{i}" for i, d in enumerate(dates)],
            "phrase": "a",
            "count": 1,
            "speaker_words": 6_000,
            "per_10k": 1.7,
            "per_10k_low": 0.04,
            "per_10k_high": 9.3,
        }
    )
    fig = charts.phrase_rate_chart(counts, title="T", source=SOURCE)
    ax = fig.axes[0]
    assert tick_labels(ax.xaxis) == ["2016", "2017"]  # a date axis, not 60 rotated document labels
    assert len(ax.texts) == 0 and "n: raw count" not in figure_texts(fig)[0]  # no overprinted counts
    assert ax.get_xlabel() == "Date"


# --- line_chart --------------------------------------------------------------------------------


def test_line_chart_one_line_per_series_labelled_directly():
    data = pd.DataFrame(
        {
            "period": ["2019", "2020", "2021", "2019", "2020", "2021"],
            "topic": ["war", "war", "war", "energy", "energy", "energy"],
            "share": [0.1, 0.2, 0.3, 0.05, 0.05, 0.0],
        }
    )
    fig = charts.line_chart(
        data,
        x="period",
        y="share",
        series="topic",
        title=LONG_TITLE,
        xlabel="Year",
        ylabel="Share",
        source=SOURCE,
        percent=True,
    )
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    ax = fig.axes[0]
    assert len(ax.lines) == 2
    assert [list(line.get_ydata()) for line in ax.lines] == [[0.1, 0.2, 0.3], [0.05, 0.05, 0.0]]
    assert [line.get_color() for line in ax.lines] == PALETTE[:2]
    assert sorted(t.get_text() for t in ax.texts) == ["energy", "war"]  # no legend
    assert ax.get_legend() is None
    assert tick_labels(ax.xaxis) == ["2019", "2020", "2021"]
    assert ax.get_title(loc="left") == wrap(LONG_TITLE)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Year", "Share")
    assert isinstance(ax.yaxis.get_major_formatter(), PercentFormatter)
    assert ax.get_xlim() == pytest.approx((2019 - 0.3, 2021 + 1.5))  # room for the labels at the right
    assert figure_texts(fig) == [SOURCE]


def test_line_chart_breaks_at_gaps_and_does_not_draw_thin_periods():
    data = pd.DataFrame(
        {
            "period": ["2012", "2013", "2016"],
            "topic": "war",
            "share": [0.1, 0.2, 0.3],
            "speaker_words": [40_000, 3_000, 50_000],
        }
    )
    fig = charts.line_chart(
        data, x="period", y="share", series="topic", title="T", xlabel="Year", ylabel="Share", source=SOURCE
    )
    ax = fig.axes[0]
    xs, ys = list(ax.lines[0].get_xdata()), list(ax.lines[0].get_ydata())
    assert xs[:2] == [2012, 2013] and xs[2] != xs[2] and xs[3] == 2016  # NaN: no segment across 2014–15
    assert ys[0] == 0.1 and ys[1] != ys[1] and ys[3] == 0.3  # 2013's 3,000 words: no rate drawn, no line to it
    points = [tuple(p) for c in ax.collections for p in c.get_offsets()]
    assert (2013, 0.2) not in points and (2013, 0) in points  # only its mark on the axis
    assert "×: a period under 5,000 of his words, not drawn." in figure_texts(fig)[0]


def test_line_chart_labels_do_not_overprint():
    data = pd.DataFrame(
        {"period": ["2019", "2020"] * 3, "topic": ["a"] * 2 + ["b"] * 2 + ["c"] * 2, "share": [0.1, 0.2] * 3}
    )
    fig = charts.line_chart(data, x="period", y="share", series="topic", title="T", xlabel="", ylabel="", source="")
    ys = sorted(t.get_position()[1] for t in fig.axes[0].texts)
    low, high = fig.axes[0].get_ylim()
    assert all(b - a >= (high - low) * 0.04 for a, b in itertools.pairwise(ys))


def test_wrapped_line_labels_on_a_phone_do_not_overprint():
    """The topic chart's phone figure stacked "war and ceasefire" over "elections and legitimacy"."""
    from analysis.publish.charts.figures import narrow

    names = ["war and ceasefire", "elections and legitimacy", "Europe and NATO", "energy"]
    data = pd.DataFrame(
        {"period": ["2019", "2020"] * 4, "topic": [n for n in names for _ in (0, 1)], "share": [0.05, 0.057] * 4}
    )
    with narrow():
        fig = charts.line_chart(data, x="period", y="share", series="topic", title="T", xlabel="", ylabel="", source="")
    fig.canvas.draw()
    boxes = sorted((t.get_window_extent() for t in fig.axes[0].texts), key=lambda b: b.y0)
    assert any("\n" in t.get_text() for t in fig.axes[0].texts)  # wrapped on the phone's figure
    assert all(a.y1 <= b.y0 + 0.5 for a, b in itertools.pairwise(boxes)), [(b.y0, b.y1) for b in boxes]


# --- dot_timeline ------------------------------------------------------------------------------


def test_dot_timeline_draws_a_dot_per_nonzero_cell():
    data = pd.DataFrame(
        {
            "year": ["2020", "2019", "2019", "2020"],
            "phrase": ["as i said", "as i said", "our partners", "our partners"],
            "statements": [4, 2, 0, 1],
        }
    )
    fig = charts.dot_timeline(data, x="year", y="phrase", size="statements", title="Catchphrases", source=SOURCE)
    ax = fig.axes[0]
    assert len(ax.collections) == 3  # the zero cell stays empty
    assert [t.get_text() for t in ax.texts] == ["4", "2", "1"]
    assert [list(c.get_sizes()) for c in ax.collections] == [[20 + 380 * 4 / 4], [20 + 380 * 2 / 4], [20 + 380 * 1 / 4]]
    # columns on a time axis (x = the year)
    assert [tuple(c.get_offsets()[0]) for c in ax.collections] == [(2020, 0), (2019, 0), (2020, 1)]
    assert tick_labels(ax.yaxis) == ["as i said", "our partners"]
    assert tick_labels(ax.xaxis) == ["2019", "2020"]
    assert bool(ax.yaxis_inverted())  # first row on top
    assert ax.get_title(loc="left") == "Catchphrases" and ax.get_xlabel() == "Year"


def test_dot_timeline_draws_no_dot_for_a_period_of_too_few_words():
    """2014's one use in 3,666 words was the largest dot of the catchphrase timeline."""
    data = pd.DataFrame(
        {
            "period": ["2013", "2014", "2016"],
            "phrase": "as i said",
            "count": [10, 1, 30],
            "per_10k": [2.0, 2.7, 1.5],
            "speaker_words": [50_000, 3_666, 200_000],
        }
    )
    fig = charts.dot_timeline(data, x="period", y="phrase", size="per_10k", label="count", title="T", source=SOURCE)
    ax = fig.axes[0]
    dots = {tuple(c.get_offsets()[0]): c.get_sizes()[0] for c in ax.collections if c.get_sizes()[0] > 18}
    assert set(dots) == {(2013, 0), (2016, 0)} and dots[(2013, 0)] == 20 + 380  # the largest measured rate
    assert [t.get_text() for t in ax.texts] == ["10", "30"]
    assert "×: a period under 5,000 of his words, no dots" in figure_texts(fig)[0]


# --- diverging_bars ----------------------------------------------------------------------------


def test_diverging_bars_one_bar_per_term_each_side_coloured():
    left = pd.DataFrame({"term": ["partners", "economy"], "log_ratio": [-2.0, -1.0], "n": ["12 vs 1", "8 vs 2"]})
    right = pd.DataFrame(
        {"term": ["nazis", "sanctions", "operation"], "log_ratio": [3.0, 2.5, 1.5], "n": ["0 vs 9", "1 vs 7", "2 vs 6"]}
    )
    fig = charts.diverging_bars(
        left,
        right,
        label="term",
        value="log_ratio",
        note="n",
        title="What changed",
        left_name="before",
        right_name="after",
        source=SOURCE,
    )
    ax = fig.axes[0]
    assert len(ax.patches) == 5
    assert [p.get_width() for p in ax.patches] == [1.5, 2.5, 3.0, -1.0, -2.0]
    assert tick_labels(ax.yaxis) == ["operation", "sanctions", "nazis", "economy", "partners"]
    colours = [plt.matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours == [PALETTE[5].lower()] * 3 + [PALETTE[0].lower()] * 2
    assert [t.get_text() for t in ax.texts] == ["2 vs 6", "1 vs 7", "0 vs 9", "8 vs 2", "12 vs 1"]
    assert ax.get_xlim() == pytest.approx((-3.0 * 1.35, 3.0 * 1.35))  # symmetric around 0
    assert "over-used after" in ax.get_xlabel() and "over-used before" in ax.get_xlabel()
    assert ax.get_title(loc="left") == "What changed"


def test_diverging_bars_draw_a_term_the_finding_does_not_name_pale_with_why_and_every_note_inside():
    """A term set aside (the keyness ``reason``) is pale and, on the wide drawing, says why after its
    note; long notes widen the axis instead of running into the terms' names; on the phone the bars
    carry the short note from the zero line into the empty half."""
    from analysis.publish.charts.figures import narrow
    from analysis.publish.charts.style import MUTED

    left = pd.DataFrame(
        {"term": ["corruption", "want"], "log_ratio": [2.6, 1.0], "n": ["G²=58 (37/54)", "G²=57 (178/806)"],
         "short": ["37/54", "178/806"], "reason": ["", "mostly in formulas"]}
    )  # fmt: skip
    right = pd.DataFrame(
        {"term": ["coronavirus"], "log_ratio": [-7.8], "n": ["G²=45 (0/209)"], "short": ["0/209"],
         "reason": ["new subject"]}
    )  # fmt: skip

    def draw():
        return charts.diverging_bars(
            left, right, label="term", value="log_ratio", note="n", short_note="short", muted="reason",
            title="t", left_name="before", right_name="after", source=SOURCE,
        )  # fmt: skip

    fig = draw()
    ax = fig.axes[0]
    colours = [plt.matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours == [MUTED, MUTED, PALETTE[0].lower()]  # coronavirus, want: pale; corruption: its side's
    assert [t.get_text() for t in ax.texts] == [
        "G²=45 (0/209) · new subject", "G²=57 (178/806) · mostly in formulas", "G²=58 (37/54)"
    ]  # fmt: skip
    renderer = fig.canvas.get_renderer()
    box = ax.get_window_extent(renderer)
    for text in ax.texts:
        extent = text.get_window_extent(renderer)
        assert box.x0 - 1 <= extent.x0 and extent.x1 <= box.x1 + 1, text.get_text()
    plt.close(fig)
    with narrow():
        phone = draw()
    assert [t.get_text() for t in phone.axes[0].texts] == ["0/209", "178/806", "37/54"]
    assert [t.xy[0] for t in phone.axes[0].texts] == [0, 0, 0]
    plt.close(phone)


# --- bar_chart ---------------------------------------------------------------------------------


@pytest.mark.parametrize("horizontal", [False, True])
def test_bar_chart_with_value_labels(horizontal):
    fig = charts.bar_chart(
        ["2019", "2020", "2021"],
        [1234, 0, 56],
        title="Words",
        xlabel="Year",
        ylabel="Words",
        source=SOURCE,
        horizontal=horizontal,
    )
    ax = fig.axes[0]
    size = [p.get_width() if horizontal else p.get_height() for p in ax.patches]
    assert size == [1234, 0, 56]
    assert [t.get_text() for t in ax.texts] == ["1,234", "0", "56"]
    assert tick_labels(ax.yaxis if horizontal else ax.xaxis) == ["2019", "2020", "2021"]
    assert bool(ax.yaxis_inverted()) is horizontal  # horizontal bars read top-down
    assert ax.get_title(loc="left") == "Words" and figure_texts(fig) == [SOURCE]


def test_bar_chart_without_labels():
    fig = charts.bar_chart(["a", "b"], [1, 2], title="T", xlabel="x", ylabel="y", source=SOURCE, annotate=False)
    assert list(fig.axes[0].texts) == [] and len(fig.axes[0].patches) == 2


# --- save_chart, SavedChart --------------------------------------------------------------------


def small_chart():
    return charts.bar_chart(
        ["2019", "2020"], [3, 5], title="Words per year", xlabel="Year", ylabel="Words", source=SOURCE
    )


DATA = pd.DataFrame({"period": ["2019", "2020"], "words": [3, 5]})


def test_save_chart_writes_png_svg_csv_and_closes_the_figures(tmp_path):
    before = set(plt.get_fignums())
    saved = save_chart(
        small_chart, DATA, tmp_path / "out" / "fig1_words", alt="Bars: 3 in 2019, 5 in 2020", title="Words", report="r"
    )
    assert saved.files() == [tmp_path / "out" / f"fig1_words.{s}" for s in ("png", "svg", "csv")]
    assert all(p.is_file() and p.stat().st_size > 0 for p in saved.files())
    assert (tmp_path / "out" / "fig1_words.csv").read_text(encoding="utf-8") == "period,words\n2019,3\n2020,5\n"
    assert saved.files()[0].read_bytes().startswith(b"\x89PNG")
    assert set(plt.get_fignums()) == before  # both drawings closed


def test_save_chart_is_deterministic(tmp_path):
    one = save_chart(small_chart, DATA, tmp_path / "a" / "fig1", alt="a", title="t", report="r")
    two = save_chart(small_chart, DATA, tmp_path / "b" / "fig1", alt="a", title="t", report="r")
    for a, b in zip(one.files(), two.files(), strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert one.wide_svg == two.wide_svg and one.phone_svg == two.phone_svg
    svg = one.files()[1].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg  # no date, no creator
    assert b"Software" not in one.files()[0].read_bytes()


def test_saved_chart_html_escapes_alt_text_and_links_the_files(tmp_path):
    alt, title = '3 < 5 & "quoted"', "Words <b>now</b>"
    saved = save_chart(small_chart, DATA, tmp_path / "fig2_x", alt=alt, title=title, report="r")
    html = str(figure(saved, "my-report", "fig2"))
    assert html.startswith('<figure class="chart" id="fig2">') and html.endswith("</figcaption></figure>")
    assert html.count('aria-label="3 &lt; 5 &amp; &quot;quoted&quot;"') == 2  # the wide and the phone drawing
    assert '<div class="chart-wide"><svg ' in html and '<div class="chart-narrow"><svg ' in html
    assert "Words &lt;b&gt;now&lt;/b&gt;" in html and "<b>" not in html
    assert '<a href="my-report/fig2_x.csv">data (CSV)</a>' in html
    assert '<a href="my-report/fig2_x.svg">SVG</a>' in html and '<a href="my-report/fig2_x.png">PNG</a>' in html
    assert "<?xml" not in html and "<metadata>" not in html


def test_saved_chart_html_escapes_the_link_prefix(tmp_path):
    saved = save_chart(small_chart, DATA, tmp_path / "fig1", alt="a", title="t", report="r")
    assert '<a href="a&quot;b/fig1.csv">' in str(figure(saved, 'a"b', "fig1"))


def test_the_two_drawings_of_a_page_share_no_id(tmp_path):
    one = save_chart(small_chart, DATA, tmp_path / "fig1", alt="a", title="t", report="r")
    two = save_chart(small_chart, DATA, tmp_path / "fig2", alt="a", title="t", report="r")
    drawings = (one.wide_svg, one.phone_svg, two.wide_svg, two.phone_svg)
    ids = [i for svg in drawings for i in re.findall(r'\bid="([^"]+)"', svg)]
    assert ids and len(ids) == len(set(ids))
    for svg in (one.wide_svg, one.phone_svg):  # every reference points at an id of the same drawing
        own = set(re.findall(r'\bid="([^"]+)"', svg))
        assert set(re.findall(r"url\(#([^)]+)\)", svg)) <= own


def test_marks_with_uses_link_to_their_quotes_in_the_page_and_the_svg_file(tmp_path):
    data = pd.DataFrame({"period": ["2019", "2020"], "count": [3, 0], "evidence": ["r/evidence/p.html#q-2019", ""]})

    def draw():
        return charts.bar_chart(
            ["2019", "2020"], [3, 0], title="T", xlabel="Year", ylabel="n", source=SOURCE, links=list(data["evidence"])
        )

    saved = save_chart(draw, data, tmp_path / "fig1", alt="a", title="t", report="r")
    for svg in (saved.wide_svg, saved.phone_svg):
        assert re.findall(r'<a href="([^"]+)"', svg) == ["r/evidence/p.html#q-2019"]
    in_file = saved.files()[1].read_text(encoding="utf-8")  # the SVG file sits in the report's folder
    assert re.findall(r'<a xlink:href="([^"]+)"', in_file) == ["evidence/p.html#q-2019"]


def test_in_a_notebook_run_by_hand_the_links_are_html_links_over_their_marks(tmp_path):
    """JupyterLab fails on a relative SVG link (the output becomes an error) and opens an HTML one in a tab
    of its own: run by hand, each bar's link becomes an HTML link laid over the bar, last in the drawing."""
    data = pd.DataFrame(
        {"period": ["2019", "2020"], "count": [3, 2], "evidence": ["r/e/p.html#q-2019", "r/e/p.html#q&2"]}
    )

    def draw():
        return charts.bar_chart(
            ["2019", "2020"], [3, 2], title="T", xlabel="Year", ylabel="n", source=SOURCE, links=list(data["evidence"])
        )

    saved = save_chart(draw, data, tmp_path / "fig1", alt="a", title="t", report="r")
    bars = re.findall(r'<a href="[^"]+">\s*<path d="([^"]+)"', saved.wide_svg)
    assert len(bars) == 2
    shown = str(figure(saved, "r", "fig1", standalone=True))
    assert "<a href" not in shown.split("<foreignObject")[0].split("<svg", 1)[1]  # no SVG link left in the drawing
    overlays = re.findall(
        r'<foreignObject x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"><a href="([^"]+)"', shown
    )
    assert [o[4] for o in overlays[:2]] == ["r/e/p.html#q-2019", "r/e/p.html#q&amp;2"]  # escaped once, as it was
    for (x, y, w, h, _), d in zip(overlays, bars, strict=False):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
        assert (float(x), float(y)) == pytest.approx((min(numbers[0::2]), min(numbers[1::2])), abs=1e-3)
        assert float(x) + float(w) == pytest.approx(max(numbers[0::2]), abs=1e-3)
        assert float(y) + float(h) == pytest.approx(max(numbers[1::2]), abs=1e-3)
    wide = shown.split('class="chart-wide">')[1].split("</svg>")[0]
    assert wide.rindex("</foreignObject>") > wide.rindex("<path")  # over everything drawn
    assert "<foreignObject" not in str(figure(saved, "r", "fig1"))  # the published page keeps its SVG links


def test_dot_timeline_sizes_by_rate_and_writes_the_count():
    data = pd.DataFrame({"period": ["2019", "2020"], "phrase": ["p", "p"], "count": [10, 10], "per_10k": [1.0, 4.0]})
    fig = charts.dot_timeline(
        data,
        x="period",
        y="phrase",
        size="per_10k",
        label="count",
        size_name="uses per 10,000 words",
        title="T",
        source=SOURCE,
    )
    ax = fig.axes[0]
    assert [list(c.get_sizes()) for c in ax.collections] == [[20 + 380 * 1 / 4], [20 + 380]]  # same count, rate differs
    assert [t.get_text() for t in ax.texts] == ["10", "10"]
    assert figure_texts(fig) == [f"{SOURCE} Dot area: uses per 10,000 words; number: count."]


def test_bar_chart_of_years_keeps_the_gaps():
    fig = charts.bar_chart(["2012", "2013", "2016"], [100, 3_000, 500], title="T", xlabel="Year", ylabel="", source="")
    ax = fig.axes[0]
    assert [p.get_x() + p.get_width() / 2 for p in ax.patches] == pytest.approx([2012, 2013, 2016])
    assert tick_labels(ax.xaxis) == ["2012", "2013", "2014", "2015", "2016"]
    assert [t.get_text() for t in ax.texts] == ["100", "3,000", "500"]


# --- the phone drawing -------------------------------------------------------------------------

LONG_LABELS = ["what is happening in the world today", "by the way", "i have already said that", "let me remind you"]
PHONE_BOX_PX = 343  # a 375 px screen less the page's margins


def _phone_charts():
    left = pd.DataFrame({"term": ["partners", "economy"], "log_ratio": [-2.0, -1.0], "n": ["12 vs 1", "8 vs 2"]})
    right = pd.DataFrame(
        {"term": ["denazification of ukraine", "sanctions"], "log_ratio": [3.0, 2.5], "n": ["0 vs 9"] * 2}
    )
    dots = pd.DataFrame({"year": ["2019", "2020"] * 2, "phrase": LONG_LABELS[:2] * 2, "statements": [4, 2, 1, 3]})
    return {
        "rates": lambda: charts.phrase_rate_chart(rate_counts(), title=LONG_TITLE, source=SOURCE),
        "bars": lambda: charts.bar_chart(
            LONG_LABELS,
            [10, 200, 3_000, 40_000],
            horizontal=True,
            title=LONG_TITLE,
            xlabel="Uses",
            ylabel="",
            source=SOURCE,
        ),
        "dots": lambda: charts.dot_timeline(
            dots, x="year", y="phrase", size="statements", title=LONG_TITLE, source=SOURCE
        ),
        "dispersion": lambda: charts.dispersion_chart(
            pd.DataFrame(
                {
                    "phrase": LONG_LABELS[:2] * 2,
                    "date": ["2019-01-01", "2020-05-01", "2019-03-03", "2020-07-07"],
                    "doc_id": ["a", "b", "c", "d"],
                    "position": [0.1, 0.5, 0.9, 0.3],
                }
            ),
            title=LONG_TITLE,
            source=SOURCE,
        ),
        "diverging": lambda: charts.diverging_bars(
            left,
            right,
            label="term",
            value="log_ratio",
            note="n",
            title=LONG_TITLE,
            left_name="before",
            right_name="after",
            source=SOURCE,
        ),
    }


@pytest.mark.parametrize("kind", sorted(_phone_charts()))
def test_phone_drawing_has_no_text_under_11_css_px_at_375(kind, tmp_path):
    saved = save_chart(_phone_charts()[kind], DATA, tmp_path / "fig1", alt="a", title="t", report="r")
    svg = saved.phone_svg
    natural = float(re.search(r"max-width:([\d.]+)px", svg).group(1))
    view = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+)', svg).group(1))
    sizes = [float(s) for s in re.findall(r"font-size: ([\d.]+)px", svg)]
    assert sizes
    shown = min(PHONE_BOX_PX, natural)  # the page scales a drawing down to its box, never up
    assert min(sizes) * shown / view >= 11, (kind, min(sizes), natural)
    wide = saved.wide_svg  # the desktop drawing keeps its own, smaller text
    assert float(re.search(r"max-width:([\d.]+)px", wide).group(1)) > natural


def test_a_caption_says_points_link_to_quotes_only_when_they_do(tmp_path):
    """The coverage strip links nothing: its caption must not promise links to quotes."""
    plain = save_chart(small_chart, DATA, tmp_path / "fig1", alt="a", title="t", report="r")
    assert "link to their quotes" not in str(figure(plain, "r", "fig1"))

    def linked():
        fig = small_chart()
        for bar in fig.axes[0].patches:
            bar.set_url("r/evidence.html#g1")
        return fig

    saved = save_chart(linked, DATA, tmp_path / "fig2", alt="a", title="t", report="r")
    assert "Points with uses link to their quotes." in str(figure(saved, "r", "fig2"))


def test_dispersion_chart_puts_the_start_of_a_statement_at_the_top():
    table = pd.DataFrame(
        {"phrase": ["p", "p"], "date": ["2019-01-01", "2020-01-01"], "doc_id": ["a", "b"], "position": [0.0, 1.0]}
    )
    fig = charts.dispersion_chart(table, title="T", source=SOURCE)
    ax = fig.axes[0]
    low, high = ax.get_ylim()
    assert low > high  # the axis runs down: 0 (a statement's first word) at the top
    assert [t.get_text() for t in ax.get_yticklabels()] == ["start", "middle", "end"]
    assert ax.get_title(loc="left") == "“p”: 2 uses in 2 statements"
    plt.close(fig)
