"""Sentences readers see, worded from the tables the measures computed: findings, keyness, changes,
coverage, and how numbers and names are written (``text``). Every judgement a sentence states (clearly
more, too few words, concentrated in one statement) is taken from :mod:`analysis.measures`; nothing here
decides one. Plain text: :mod:`analysis.publish.site` escapes it where it reaches HTML."""
