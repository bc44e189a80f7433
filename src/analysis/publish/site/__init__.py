"""The published site: pages, report fragments, evidence pages, the gallery and the column dictionaries.

Every piece of HTML is a Jinja2 template of ``templates/`` with autoescaping on (:func:`html.template`),
so text from a source never becomes markup; ``html`` also holds the escaping rules and the
displayable :class:`~analysis.publish.site.html.HTML`. Rooms: ``html``, ``pages`` (the house page and
its stylesheet), ``report`` (what a notebook builds its report with), ``groups`` and ``evidence``
(quotes behind every number), ``gallery`` and ``holdings`` (the index page), ``columns`` (what each
column means). Pages hold no script and read no clock: the same inputs give the same bytes.
"""
