import datetime as dt

import pytest

from analysis.ingest.importers.label_names import looks_like_name, near_miss
from analysis.speakers import clean_label, default_registry

REG = default_registry()


@pytest.mark.parametrize(
    "label, speaker",
    [
        ("Vladimir Putin", "Vladimir Putin"),
        ("President of Russia Vladimir Putin", "Vladimir Putin"),
        ("VladimirPutin", "Vladimir Putin"),
        ("V.Putin", "Vladimir Putin"),
        ("Vladmir Putin", "Vladimir Putin"),
        ("Vlaidmir Putin", "Vladimir Putin"),
        ("Vladimir PUTIN", "Vladimir Putin"),
        ("VLADIMIR PUTIN", "Vladimir Putin"),
        ("Vladimir Putin (retranslated)", "Vladimir Putin"),
        ("Vladimir Putin (speaking German)", "Vladimir Putin"),
        ("Putin", "Vladimir Putin"),
        ("President of Russia Dmitry Medvedev", "Dmitry Medvedev"),
        ("Dmitry Peskov", "Dmitry Peskov"),
        ("Lyudmila Putina", "Lyudmila Putina"),
        ("Valeriya Korableva, reporter at Channel One", "Valeriya Korableva"),
    ],
)
def test_resolve_named(label, speaker):
    res = REG.resolve(label)
    assert res.speaker == speaker
    assert res.role == "speech"


@pytest.mark.parametrize("label, role", [("Question", "question"), ("REMARK", "question"), ("Moderator", "moderator")])
def test_resolve_anonymous(label, role):
    res = REG.resolve(label)
    assert res.speaker is None and res.role == role


@pytest.mark.parametrize(
    "label, is_name",
    [
        ("President of Russia Vladimir Putin", True),
        ("Writer Eduard Bagirov", True),
        ("Alexander Van der Bellen", True),
        ("Statements following the meeting", False),
        ("Meeting points", False),
        ("Prizes were awarded to", False),
        ("The Russian delegation included the following officials and many more guests", False),
    ],
)
def test_looks_like_name(label, is_name):
    assert looks_like_name(REG, label) is is_name


def test_clean_label_drops_asides():
    assert clean_label(" Vladimir Putin ( answering a question ): ") == "Vladimir Putin"


def test_near_miss_flags_unknown_typos():
    assert near_miss(REG, "Vladimir Puttin") == "Vladimir Putin"
    assert near_miss(REG, "Vladimir Poutin") == "Vladimir Putin"
    assert near_miss(REG, "Dmitry Peskov") is None
    assert near_miss(REG, "Vladimir Lukin") is None  # a different person, not a typo


@pytest.mark.parametrize(
    "date, leader",
    [("2005-01-01", "Vladimir Putin"), ("2010-01-01", "Dmitry Medvedev"), ("2020-06-19", "Vladimir Putin")],
)
def test_in_office(date, leader):
    assert REG.in_office(dt.date.fromisoformat(date), office="President of Russia") == leader


@pytest.mark.parametrize(
    "label, name, title",
    [
        ("Defence Minister Sergei Shoigu", "Sergei Shoigu", "Defence Minister"),
        ("Energy Minister Alexander Novak", "Alexander Novak", "Energy Minister"),
        (
            "President of the Republic of Turkey Recep Tayyip Erdogan",
            "Recep Tayyip Erdogan",
            "President of the Republic of Turkey",
        ),
        (
            "President of the People’s Republic of China Xi Jinping",
            "Xi Jinping",
            "President of the People’s Republic of China",
        ),
        (
            "Minister of Civil Defence, Emergencies and Disaster Relief Yevgeny Zinichev",
            "Yevgeny Zinichev",
            "Minister of Civil Defence, Emergencies and Disaster Relief",
        ),
        ("Valeriya Korableva, reporter at Channel One", "Valeriya Korableva", "reporter at Channel One"),
        ("Crown Prince of Saudi Arabia Mohammed bin Salman", "Mohammed bin Salman", "Crown Prince of Saudi Arabia"),
        ("King Abdullah II of Jordan", "King Abdullah II", "King of Jordan"),
        ("Patriarch of Moscow and All Russia Kirill", "Patriarch Kirill", "Patriarch of Moscow and All Russia"),
        ("Security Council Secretary NIKOLAI PATRUSHEV", "Nikolai Patrushev", "Security Council Secretary"),
        ("Minister-Presidentof Bavaria Horst Seehofer", "Horst Seehofer", "Minister-President of Bavaria"),
        ("Alexander Van der Bellen", "Alexander Van der Bellen", None),
        ("Ebtesam al-Ketbi", "Ebtesam al-Ketbi", None),
        ("Statements following the meeting", "", "Statements following the meeting"),
    ],
)
def test_split_name_and_title(label, name, title):
    assert REG.split(label) == (name, title)


@pytest.mark.parametrize(
    "label, speaker, title",
    [
        ("Defence Minister Sergei Shoigu", "Sergei Shoigu", "Defence Minister"),
        ("President of Russia Vladimir Putin (retranslated)", "Vladimir Putin", "President of Russia"),
        ("V.Putin", "Vladimir Putin", None),
    ],
)
def test_resolve_gives_person_and_title(label, speaker, title):
    res = REG.resolve(label)
    assert (res.speaker, res.title) == (speaker, title)


@pytest.mark.parametrize(
    "label, is_name",
    [
        ("Olympic ice hockey champion Ilya Kovalchuk", True),
        ("Head of the A Just Russia faction Sergei Mironov", True),
        ("France", False),
        ("And a question for President Putin", False),
        ("Naturally, we will discuss the Middle East", False),
    ],
)
def test_looks_like_name_long_labels_and_quotations(label, is_name):
    assert looks_like_name(REG, label) is is_name


@pytest.mark.parametrize(
    "label, role", [("A", "answer"), ("Answer", "answer"), ("Q", "question"), ("Interviewer", "question")]
)
def test_question_and_answer_conventions(label, role):
    res = REG.resolve(label)
    assert res.speaker is None and res.role == role


def test_countries_read_from_the_data_file_are_pycountrys(monkeypatch):
    """The country table read straight from pycountry's data file (not importing the package) is the one
    pycountry gives; with the file not where it is expected, pycountry itself is asked."""
    import importlib.util

    import pycountry

    from analysis import names

    expected = [dict(c) for c in pycountry.countries]
    assert names.countries() == expected and len(expected) > 200
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert names.countries() == expected
