"""The en.kremlin.ru importer: metadata, labels, turns, and what is never attributed."""

from __future__ import annotations

import pytest

from analysis.errors import IngestError
from analysis.ingest.importers.kremlin import parse_kremlin_page
from analysis.speakers import default_registry
from analysis.text import count_words, spoken
from tests.conftest import kremlin_html, kremlin_page

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
        ("<p><b>Megyn Kelly:</b> Hi.</p><p><b>Vladimir Putin</b> Hello without a colon.</p>", "Hello without a colon."),
        ("<p>Vladimir Putin: Hello in plain text.</p>", "Hello in plain text."),
    ],
)
def test_messy_labels_are_attributed(body, text):
    doc = parse(kremlin_page(body))
    assert putin_text(doc) == text


def test_person_tooltip_inside_label_is_dropped():
    body = (
        '<p><b>Minister <a class="person_tag" href="#">Sergei Donskoy<span class="read__tooltip '
        'tooltip_person hidden masha-ignore"><span>Donskoy Sergei</span></span></a></b>: Yes.</p>'
        "<p><b>Vladimir Putin</b>: Good.</p>"
    )
    doc = parse(kremlin_page(body))
    speakers = [(p.speaker, p.speaker_role) for p in doc.paragraphs if p.role == "speech"]
    assert speakers == [("Sergei Donskoy", "Minister"), ("Vladimir Putin", None)]


def test_other_speakers_questions_lead_and_narration_are_not_putins():
    body = (
        "<p>Vladimir Putin met members of the public.</p>"
        "<p><b>Vladimir Putin</b>: Mine.</p>"
        "<p><b>Question</b>: Not his.</p><p>Still the questioner.</p>"
        "<p><b>Dmitry Peskov</b>: Not his either.</p>"
        "<p><b>Vladimir Putin</b>: Mine again.</p><p>And this continues my turn.</p>"
    )
    doc = parse(kremlin_page(body, lead="Lead text is the publisher's."))
    assert putin_text(doc) == "Mine. Mine again. And this continues my turn."
    roles = [(p.role, p.speaker) for p in doc.paragraphs]
    assert roles[0] == ("lead", None)
    assert ("narration", None) in roles
    assert ("question", None) in roles


def test_plain_question_inside_a_turn_stays_the_speakers():
    body = (
        "<p><b>Vladimir Putin</b>: We will spend more.</p>"
        "<p>Question: at what expense? From growth.</p>"
        "<p>That is the plan.</p>"
    )
    doc = parse(kremlin_page(body))
    assert putin_text(doc) == "We will spend more. Question: at what expense? From growth. That is the plan."


def test_pullquotes_are_kept_but_not_attributed():
    body = (
        "<p><b>Vladimir Putin</b>: Russia will find its place.</p>"
        "<blockquote><p>“Russia will find its place.”</p></blockquote>"
    )
    doc = parse(kremlin_page(body))
    assert putin_text(doc) == "Russia will find its place."
    assert [p.role for p in doc.paragraphs if "“" in p.text] == ["pullquote"]


def test_bold_headings_are_not_labels():
    body = (
        "<p><b>Vladimir Putin</b>: Opening words.</p>"
        "<p><b>Statements following the meeting:</b></p>"
        "<p><b>Vladimir Putin</b>: Closing words.</p>"
    )
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
    return parse((kremlin_html() / f"{page_id}.html").read_bytes())


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
    words = sum(
        count_words(spoken(p.text)) for p in doc.paragraphs if p.role == "speech" and p.speaker == "Vladimir Putin"
    )
    assert words == count_words(putin_text(doc))


# --- failure classes of the attribution issue: long role-and-name labels, broken bold, quotations ----


def speeches(doc):
    return [(p.speaker, p.text) for p in doc.paragraphs if p.role == "speech"]


@pytest.mark.parametrize(
    "label, name, title",
    [
        ("Olympic ice hockey champion Ilya Kovalchuk", "Ilya Kovalchuk", "Olympic ice hockey champion"),
        ("Head of the A Just Russia faction Sergei Mironov", "Sergei Mironov", "Head of the A Just Russia faction"),
        ("Ogoniok magazine Editor-in-Chief Sergei Agafonov", "Sergei Agafonov", "Ogoniok magazine Editor-in-Chief"),
        (
            "Chairman of the Federation of Independent Trade Unions of Russia Mikhail Shmakov",
            "Mikhail Shmakov",
            "Chairman of the Federation of Independent Trade Unions of Russia",
        ),
        (
            "chairman of United Russia’S Supreme Council and State Duma Speaker Boris Gryzlov",
            "Boris Gryzlov",
            "chairman of United Russia’S Supreme Council and State Duma Speaker",
        ),
    ],
)
def test_long_role_and_name_labels_end_the_previous_turn(label, name, title):
    body = (
        f"<p><b>Vladimir Putin</b>: Please, go ahead.</p><p><b>{label}:</b> Thank you, Mr President.</p>"
        "<p>We have done a lot this year.</p><p><b>Vladimir Putin</b>: Good.</p>"
    )
    doc = parse(kremlin_page(body))
    assert speeches(doc) == [
        ("Vladimir Putin", "Please, go ahead."),
        (name, "Thank you, Mr President."),
        (name, "We have done a lot this year."),
        ("Vladimir Putin", "Good."),
    ]
    assert [p.speaker_role for p in doc.paragraphs if p.speaker == name] == [title, title]


def test_bold_label_broken_over_two_lines_with_an_aside_52934():
    body = (
        "<p><b>Vladimir Putin</b>: Welcome to Moscow.</p>"
        "<p><b>Vice\nChancellor and\xa0Minister for\xa0Economic Affairs and\xa0Energy</b> <b>Sigmar Gabriel </b>"
        "(<i>retranslated</i>):\nThank you, Mr President.</p><p>Europe is in a predicament.</p>"
    )
    doc = parse(kremlin_page(body))
    assert speeches(doc)[1:] == [
        ("Sigmar Gabriel", "Thank you, Mr President."),
        ("Sigmar Gabriel", "Europe is in a predicament."),
    ]


def test_nested_bold_label_57080():
    body = (
        "<p><b>Ildar Khairullin</b>: Thank you.</p>"
        "<p><b><b>Vladimir </b>Putin</b>: Thank you. I would like to congratulate you.</p><p>As for the issues.</p>"
    )
    assert speeches(parse(kremlin_page(body)))[1:] == [
        ("Vladimir Putin", "Thank you. I would like to congratulate you."),
        ("Vladimir Putin", "As for the issues."),
    ]


def test_bold_label_interrupted_by_italics_63184():
    body = (
        "<p><b>Vladimir Putin</b>: The first speaker is Mr Testoyedov.</p>"
        "<p><b>Information </b><i><b>Satellite Systems</b></i><b> CEO Nikolai Testoyedov:</b> Mr President,</p>"
        "<p>We have organised the work.</p>"
    )
    assert speeches(parse(kremlin_page(body)))[1:] == [
        ("Nikolai Testoyedov", "Mr President,"),
        ("Nikolai Testoyedov", "We have organised the work."),
    ]


def test_long_label_on_a_line_of_its_own_63179():
    body = (
        "<p><b>Vladimir Putin</b>: Please.</p>"
        "<p><b>First Deputy Director General of Military-Industrial Corporation NPO Mashinostroyenia "
        "Alexander Dergachev:</b></p><p>Mr President, colleagues.</p>"
    )
    assert speeches(parse(kremlin_page(body)))[1:] == [("Alexander Dergachev", "Mr President, colleagues.")]


def test_plain_text_label_of_a_person_introduced_in_bold_elsewhere():
    body = (
        "<p><b>Defence Minister Sergei Shoigu</b>: We are ready.</p>"
        "<p><b>Vladimir Putin</b>: Good.</p><p>Sergei Shoigu: Ready again.</p>"
    )
    assert speeches(parse(kremlin_page(body))) == [
        ("Sergei Shoigu", "We are ready."),
        ("Vladimir Putin", "Good."),
        ("Sergei Shoigu", "Ready again."),
    ]


@pytest.mark.parametrize(
    "quoted",
    [
        "France: “It (international law) does not allow to change borders.”",
        "Question: “How much funding is required?” “A lot.”",
        "And a question for President Putin: what will you do?",
        "Germany: “This is a matter of peoples’ right to self-determination.”",
    ],
)
def test_not_every_x_colon_is_a_label(quoted):
    body = f"<p><b>Vladimir Putin</b>: Let me quote.</p><p>{quoted}</p><p>That is all.</p>"
    assert speeches(parse(kremlin_page(body))) == [
        ("Vladimir Putin", "Let me quote."),
        ("Vladimir Putin", quoted),
        ("Vladimir Putin", "That is all."),
    ]


def test_title_only_label_is_someone_else_not_the_current_speaker():
    body = (
        "<p><b>Vladimir Putin</b>: You have the floor.</p>"
        "<p><b>Executive Chairmanof the World Economic Forum</b> (<i>retranslated</i>): Mr President, thank you.</p>"
        "<p>We are linked by many years.</p>"
    )
    doc = parse(kremlin_page(body))
    assert speeches(doc) == [("Vladimir Putin", "You have the floor.")]
    other = [p for p in doc.paragraphs if p.role == "question"]
    assert [p.text for p in other] == ["Mr President, thank you.", "We are linked by many years."]
    assert other[0].speaker_role == "Executive Chairman of the World Economic Forum"


def test_editors_note_and_stage_directions_are_not_the_speakers_words():
    body = (
        "<p><b>Veronika Skvortsova</b>: We gave attention to first aid. "
        "(<i>Ms Skvortsova went on to speak about the programme.</i>)</p>"
        "<p><b>Vladimir Putin</b>: Good. (Laughter.) Very good. (Applause.)</p>"
    )
    doc = parse(kremlin_page(body))
    assert speeches(doc)[0] == ("Veronika Skvortsova", "We gave attention to first aid.")
    assert [p.text for p in doc.paragraphs if p.role == "editorial"] == [
        "(Ms Skvortsova went on to speak about the programme.)"
    ]
    assert spoken(speeches(doc)[1][1]).split() == ["Good.", "Very", "good."]


def test_one_name_per_person_on_a_page_long_and_short_labels_and_a_typo():
    body = (
        "<p><b>Research Director of the Valdai Club, moderator Fyodor Lukyanov:</b> Welcome.</p>"
        "<p><b>Vladimir Putin</b>: Thank you.</p>"
        "<p><b>Fyodor Lukyanov</b>: A question.</p><p><b>Vladimir Putin</b>: An answer.</p>"
        "<p><b>Fydor Lukyanov</b>: Another question.</p>"
        "<p><b>Governor of St Petersburg Alexander Beglov</b>: Hello.</p><p><b>Beglov</b>: Again.</p>"
    )
    doc = parse(kremlin_page(body))
    names = [p.speaker for p in doc.paragraphs if p.role == "speech" and p.speaker != "Vladimir Putin"]
    assert names == ["Fyodor Lukyanov"] * 3 + ["Alexander Beglov"] * 2
    assert any("'Fydor Lukyanov' read as 'Fyodor Lukyanov'" in w for w in doc.warnings)


@pytest.mark.parametrize("label_html", ["<b>Kseniya Slutskaya. </b>", "<b>Kseniya Slutskaya</b>. "])
def test_name_closed_by_a_full_stop_is_a_label_56712(label_html):
    body = f"<p><b>Vladimir Putin</b>: Please.</p><p>{label_html}Thank you very much.</p><p>More from me.</p>"
    assert speeches(parse(kremlin_page(body)))[1:] == [
        ("Kseniya Slutskaya", "Thank you very much."),
        ("Kseniya Slutskaya", "More from me."),
    ]


def test_bold_sentence_ending_in_a_full_stop_is_not_a_label():
    body = "<p><b>Vladimir Putin</b>: Hello.</p><p><b>Dear Friends.</b> Welcome to the Kremlin.</p>"
    assert speeches(parse(kremlin_page(body)))[1] == ("Vladimir Putin", "Dear Friends. Welcome to the Kremlin.")


def test_initial_and_surname_is_the_person_named_in_full_on_the_page_56712():
    body = (
        "<p><b>Student Dinar Valeyev</b>: Welcome.</p><p><b>Vladimir Putin</b>: Thanks.</p>"
        "<p><b>D. Valeyev</b>: Next question.</p>"
    )
    names = [p.speaker for p in parse(kremlin_page(body)).paragraphs if p.role == "speech"]
    assert names == ["Dinar Valeyev", "Vladimir Putin", "Dinar Valeyev"]
