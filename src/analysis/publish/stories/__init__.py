"""What each notebook tells: one module per notebook, each a :class:`~.base.Story`.

A notebook holds its parameters and narrative; each code cell calls one method of its story, which
computes from the library's measures and returns (or shows) escaped HTML: the tables, charts, alt
text, findings and evidence. The same story can be run outside Jupyter (every method returns or
shows plain objects), which is how the tests exercise it.
"""
