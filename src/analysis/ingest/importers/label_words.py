"""The words and shapes speaker-label rules look for (:mod:`analysis.ingest.importers.labels`,
:mod:`analysis.ingest.importers.label_names`): how a label is printed (a colon or a full stop, a dash
after it), and the vocabularies that tell a label from a salutation, a sentence, a heading, a body or a
relative."""

from __future__ import annotations

import re

# words a sentence opens with: a label of several words opening with one is a sentence ("And a question for …:")
SENTENCE_STARTERS = frozenset(
    """
    dear ladies gentlemen friends colleagues good and but so or a an the this that these those my our
    your his her their its it i we you he she they here there now then also another one as for to in on
    at with if when what why how let please thank thanks yes no well all some many
    """.split()
)

# a dash may follow a label's colon or full stop: "Q:—to Dr. Smith.", "DR. JONES:—…", "THE PRESIDENT.—"; an
# omission after the colon ("Q:...of course"); the bold may close after the space ("**JONES: **Yes"); a label in
# capitals may end with a semicolon, a typo for the colon ("MR. JONES; Senator, …")
DASH = r"(?:\s*(?:[\u2014\u2013]|--?)\s*|\s+)"
COLON_RE = re.compile(
    r"^(?:\*\*\s*)?\[?(?P<label>[A-Za-z][\w.,'\u2019 ()&-]{0,120}?)\]?(?:\*\*)?(?:\s*:|(?<=[A-Z.]);)(?:\s*\*\*)?(?:"
    + DASH
    + r"|$|(?<=\*\*)|(?=\.\.\.|…))"
)
LABEL_REACH = 130  # a label's colon (or semicolon) stands within this many characters of the line's start


def colon_label(line: str) -> re.Match | None:
    """:data:`COLON_RE` on a line, skipped at once when no colon or semicolon stands near its start."""
    head = line[:LABEL_REACH]
    return COLON_RE.match(line) if ":" in head or ";" in head else None


QA_RE = re.compile(r"^(?:\*\*)?(?P<label>[QA])\.(?:\*\*)?" + DASH + r"(?=\S)|^(?P<q>Q)(?=\s+\S)")
STOP_RE = re.compile(r"\." + DASH + r"(?=\S)")
# words of a sentence that tells of a person rather than names a speaker: "I chose Senator Jane Doe."
NARRATIVE_RE = re.compile(
    r"\bI\s+[a-z]|\b(?:we|you|he|she|they|my|our|his|her|their|chose|named|appointed|nominated|said|says|told|"
    r"asked|met|called|thanked|introduced|invited|welcomed)\b"
)
# a spouse or relative is another person: "Mrs. Doe." is not President John Doe
SPOUSE_TITLES = frozenset({"mrs", "ms", "miss", "madam", "madame", "mme", "lady", "first lady", "senora", "frau"})
QUOTE_OPENERS = ("“", '"', "«", "„", "‘")
SALUTATIONS = frozenset(
    """
    gentlemen ladies fellow fellow-citizens citizens countrymen my dear sir sirs madam madame brothers
    brother sisters friends members senators to your excellency excellencies honorable honourable
    """.split()
)
INTERJECTIONS = frozenset(
    {"audience", "audiencemember", "audiencemembers", "crowd", "voice", "voices", "voicefromtheaudience"}
)
SENTENCE_BREAK_RE = re.compile(r"\b([A-Za-z]{2,})\.\s+\S")
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr st jr sr gen sen rep gov lt col capt adm sgt prof rev hon messrs mt ft
    """.split()
)
PERSON_TITLES = frozenset(
    """
    president vice secretary attorney attorney-general first chairman chairwoman speaker chief director
    administrator ambassador governor mayor general deputy acting under press surgeon moderator prime
    minister secretary-general attorney-general chancellor senator representative commissioner counsel
    solicitor treasurer postmaster king queen
    """.split()
)
ROMAN_RE = re.compile(r"[IVXivx]{1,5}")
# the last word of a government body, a ship or a document, never of a person ("Interior Department")
INSTITUTIONS = frozenset(
    """
    department ministry commission bureau agency administration corps navy army cruiser telegram memorandum
    resolution treaty communique communiqué proclamation
    """.split()
)
STRUCTURE = frozenset(
    """
    article art part section schedule chapter title table annex appendix item no number
    """.split()
)
NOT_NAMES = SENTENCE_STARTERS | {"from", "by", "into", "upon", "over", "under", "about", "after", "before"}
HONORIFICS = frozenset({"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "sir", "madam", "miss"})
SENTENCE_WORD_RE = re.compile(r"\b(?:is|are|was|were|will|would|has|have|had|said|says|I|we|you|and|but)\b")
VOCATIVE = frozenset({"mr", "mister", "madam", "madame", "monsieur"})
