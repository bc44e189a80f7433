"""The en.kremlin.ru importer: metadata, labels, turns, and what is never attributed."""
from __future__ import annotations

import pytest

from analysis.importers.base import IngestError
from analysis.importers.kremlin import parse_kremlin_page
from analysis.speakers import default_registry
from analysis.text import count_words, spoken
from tests.conftest import KREMLIN_HTML, kremlin_page

REG = default_registry()


def parse(raw: bytes, **kw):
    return parse_kremlin_page(raw, raw_path="test.html", raw_sha256="0", registry=REG, **kw)


def putin_text(doc) -> str:
    return " ".join(p.text for p in doc.paragraphs if p.role == "speech" and p.speaker == "Vladimir Putin")


@pytest.mark.parametrize(
    "body, text",
    [
        ("<p><b>Vladimir Putin</b>: Hello.</p>", "Hello."),
        ("<p><b>Vladimir Putin: </b>Hello.</p>", "Hello."),
        ("<p><b>Vladimir Putin:</b> Hello.</p>", "Hello."),
        ("<p><b>Vladimir</b><b>Putin</b>: Hello.</p>", "Hello."),
        ("<p><b>Vladimir </b><b>Putin</b>: Hello.</p>", "Hello."),
        ("<p><b>President</b> <b>of</b> <b>Russia</b> <b>Vladimir Putin</b>: Hello.</p>", "Hello."),
        ("<p><b>Vladimir Putin</b><b>:</b> Hello.</p>", "Hello."),
        ("<p><b>Vladimir Putin (</b><i>responding to a remark</i>): Hello.</p>", "Hello."),
        ("<p><b>Vladimir Putin</b> (<i>answering a question</i>): Hello.</p>", "Hello."),
        ("<p><b>Vladimir Putin (retranslated)</b>: Hello.</p>", "Hello."),
        ("<p><b>Vladmir Putin:</b> Hello.</p>", "Hello."),
        ("<p><b>V.Putin:</b> Hello.</p>", "Hello."),
        ("<p><b>VLADIMIR PUTIN:</b> Hello.</p>", "Hello."),
        ("<p><b>Vladimir Putin</b>:</p><p>Hello on the next line.</p>", "Hello on the next line."),
        ("<p><b>Megyn Kelly:</b> Hi.</p><p><b>Vladimir Putin</b> Hello without a colon.</p>",
         "Hello without a colon."),
        ("<p>Vladimir Putin: Hello in plain text.</p>", "Hello in plain text."),
    ],
)
def test_messy_labels_are_attributed(body, text):
    doc = parse(kremlin_page(body))
    assert putin_text(doc) == text


def test_person_tooltip_inside_label_is_dropped():
    body = ('<p><b>Minister <a class="person_tag" href="#">Sergei Donskoy<span class="read__tooltip '
            'tooltip_person hidden masha-ignore"><span>Donskoy Sergei</span></span></a></b>: Yes.</p>'
            "<p><b>Vladimir Putin</b>: Good.</p>")
    doc = parse(kremlin_page(body))
    speakers = [(p.speaker, p.speaker_role) for p in doc.paragraphs if p.role == "speech"]
    assert speakers == [("Sergei Donskoy", "Minister"), ("Vladimir Putin", None)]


def test_other_speakers_questions_lead_and_narration_are_not_putins():
    body = ("<p>Vladimir Putin met members of the public.</p>"
            "<p><b>Vladimir Putin</b>: Mine.</p>"
            "<p><b>Question</b>: Not his.</p><p>Still the questioner.</p>"
            "<p><b>Dmitry Peskov</b>: Not his either.</p>"
            "<p><b>Vladimir Putin</b>: Mine again.</p><p>And this continues my turn.</p>")
    doc = parse(kremlin_page(body, lead="Lead text is the publisher's."))
    assert putin_text(doc) == "Mine. Mine again. And this continues my turn."
    roles = [(p.role, p.speaker) for p in doc.paragraphs]
    assert roles[0] == ("lead", None)
    assert ("narration", None) in roles
    assert ("question", None) in roles


def test_plain_question_inside_a_turn_stays_the_speakers():
    body = ("<p><b>Vladimir Putin</b>: We will spend more.</p>"
            "<p>Question: at what expense? From growth.</p>"
            "<p>That is the plan.</p>")
    doc = parse(kremlin_page(body))
    assert putin_text(doc) == "We will spend more. Question: at what expense? From growth. That is the plan."


def test_pullquotes_are_kept_but_not_attributed():
    body = ('<p><b>Vladimir Putin</b>: Russia will find its place.</p>'
            '<blockquote><p>“Russia will find its place.”</p></blockquote>')
    doc = parse(kremlin_page(body))
    assert putin_text(doc) == "Russia will find its place."
    assert [p.role for p in doc.paragraphs if "“" in p.text] == ["pullquote"]


def test_bold_headings_are_not_labels():
    body = ("<p><b>Vladimir Putin</b>: Opening words.</p>"
            "<p><b>Statements following the meeting:</b></p>"
            "<p><b>Vladimir Putin</b>: Closing words.</p>")
    doc = parse(kremlin_page(body))
    assert [p.role for p in doc.paragraphs if "Statements" in p.text] == ["heading"]


def test_slider_captions_and_publication_status_are_not_text():
    doc = parse(kremlin_page("<p><b>Vladimir Putin</b>: Hello.</p>"))
    everything = " ".join(p.text for p in doc.paragraphs)
    assert "Photo caption" not in everything
    assert "Published in sections" not in everything


def test_metadata():
    doc = parse(kremlin_page("<p>Text.</p>", page_id="12345", title="A title", date="2017-03-20"))
    assert doc.doc_id == "kremlin-12345"
    assert doc.title == "A title"
    assert doc.date.isoformat() == "2017-03-20"
    assert doc.source_url == "http://en.kremlin.ru/events/president/news/12345"
    assert doc.sections == "News; Transcripts"


def test_date_from_publication_status_with_warning():
    doc = parse(kremlin_page("<p>Text.</p>", date=None, status_date="2012-12-10"))
    assert doc.date.isoformat() == "2012-12-10"
    assert any("publication status" in w for w in doc.warnings)


def test_no_date_at_all_is_an_error():
    raw = kremlin_page("<p>Text.</p>", date=None).replace(b'<time datetime="2019-01-01">date</time>', b"")
    with pytest.raises(IngestError) as exc:
        parse(raw)
    assert exc.value.code == "no-date"


def test_empty_body_is_an_error():
    with pytest.raises(IngestError) as exc:
        parse(kremlin_page("", lead=""))
    assert exc.value.code == "empty-body"


def test_invalid_utf8_is_repaired_and_reported():
    raw = kremlin_page("<p><b>Vladimir Putin</b>: Caf\xe9 time.</p>").replace("Caf\xe9".encode(), b"Caf\xe9")
    doc = parse(raw)
    assert "Caf\ufffd time." in putin_text(doc)
    assert any("invalid UTF-8" in w and "offset" in w for w in doc.warnings)


def test_unlabelled_first_person_transcript_goes_to_the_author_with_a_warning():
    body = "<p>I believe we must work together. Our country and our partners agree with me.</p>"
    doc = parse(kremlin_page(body, title="Article by Vladimir Putin", lead=""))
    assert putin_text(doc) == "I believe we must work together. Our country and our partners agree with me."
    assert any("no speaker labels" in w for w in doc.warnings)


def test_unlabelled_third_person_news_is_nobodys():
    body = "<p>Vladimir Putin had a telephone conversation with the President of France.</p>"
    doc = parse(kremlin_page(body, sections='<a href="#">News</a>'))
    assert putin_text(doc) == ""
    assert doc.kind == "news"


def test_misspelled_unknown_label_is_warned_about():
    doc = parse(kremlin_page("<p><b>Vladimir Puttin:</b> Hello.</p>"))
    assert putin_text(doc) == ""
    assert any("Vladimir Puttin" in w and "config/speakers.yaml" in w for w in doc.warnings)


def test_not_a_kremlin_page():
    with pytest.raises(IngestError) as exc:
        parse(b"<html><body><p>Hello</p></body></html>")
    assert exc.value.code == "not-a-kremlin-page"


# --- real pages from the development sample -------------------------------------------------

def real(page_id: str):
    return parse((KREMLIN_HTML / f"{page_id}.html").read_bytes())


def test_real_unspaced_labels_54071():
    doc = real("54071")
    assert "When do you plan to submit the draft law to the Duma?" in putin_text(doc)
    assert "We hope to submit these new proposals" not in putin_text(doc)


def test_real_typo_labels_63204():
    doc = real("63204")
    labels = {p.speaker_label for p in doc.paragraphs if p.speaker == "Vladimir Putin"}
    assert "Vladmir Putin" in labels


def test_real_rhetorical_question_in_address_56957():
    assert "Question: at what expense?" in putin_text(real("56957"))


def test_real_interview_without_colons_57027():
    doc = real("57027")
    speakers = {p.speaker for p in doc.paragraphs if p.role == "speech"}
    assert speakers == {"Vladimir Putin", "Megyn Kelly"}


def test_real_pullquotes_not_double_counted_17108():
    doc = real("17108")
    pull = [p.text.strip("“”") for p in doc.paragraphs if p.role == "pullquote"]
    assert pull, "the page has pull-quotes"
    text = putin_text(doc)
    assert all(text.count(q[:60]) <= 1 for q in pull)  # a pull-quote never adds a second copy
    assert all(p.speaker is None for p in doc.paragraphs if p.role == "pullquote")


def test_real_word_count_is_consistent():
    doc = real("54071")
    words = sum(count_words(spoken(p.text)) for p in doc.paragraphs
                if p.role == "speech" and p.speaker == "Vladimir Putin")
    assert words == count_words(putin_text(doc))
