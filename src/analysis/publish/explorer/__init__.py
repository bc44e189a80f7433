"""The reader's explorer, ``reports/explore.html``: the one page with script (``static/explore.js``, plain
JavaScript without a build step). ``build`` writes the page (a template of :mod:`analysis.publish.site`)
and its data files from the corpus index; ``files`` says how those files are encoded."""
