"""Charts: each drawn from the table it is given, for the layout in force (wide, or phone width).

Rooms: ``style`` (palette, Matplotlib settings, bars that link to their quotes), ``figures`` (the two
layouts, wrapping, saving a chart as PNG, SVG and CSV), ``timeaxis`` (periods on a real time axis),
``basic`` (lines, dot timelines, bars), ``rates`` (a phrase's rate per period with intervals),
``overlay`` (several speakers on one axis), ``dispersion`` (where in each statement a phrase falls),
``coverage`` (the strip of words each period rests on). Nothing here decides what a number means
(that is :mod:`analysis.measures`) or writes a page (that is :mod:`analysis.publish.site`).
"""

from analysis.publish.charts.basic import bar_chart, diverging_bars, dot_timeline, line_chart
from analysis.publish.charts.dispersion import dispersion_chart
from analysis.publish.charts.figures import SavedChart, save_chart, wrap
from analysis.publish.charts.overlay import overlay_chart
from analysis.publish.charts.rates import phrase_rate_chart
from analysis.publish.charts.style import PALETTE

__all__ = [
    "PALETTE",
    "SavedChart",
    "bar_chart",
    "dispersion_chart",
    "diverging_bars",
    "dot_timeline",
    "line_chart",
    "overlay_chart",
    "phrase_rate_chart",
    "save_chart",
    "wrap",
]
