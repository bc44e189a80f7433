import datetime as dt

import pytest

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


@pytest.mark.parametrize("label, role", [("Question", "question"), ("REMARK", "question"),
                                         ("Moderator", "moderator")])
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
    assert REG.looks_like_name(label) is is_name


def test_clean_label_drops_asides():
    assert clean_label(" Vladimir Putin ( answering a question ): ") == "Vladimir Putin"


def test_near_miss_flags_unknown_typos():
    assert REG.near_miss("Vladimir Puttin") == "Vladimir Putin"
    assert REG.near_miss("Vladimir Poutin") == "Vladimir Putin"
    assert REG.near_miss("Dmitry Peskov") is None
    assert REG.near_miss("Vladimir Lukin") is None  # a different person, not a typo


@pytest.mark.parametrize("date, leader", [("2005-01-01", "Vladimir Putin"), ("2010-01-01", "Dmitry Medvedev"),
                                          ("2020-06-19", "Vladimir Putin")])
def test_in_office(date, leader):
    assert REG.in_office(dt.date.fromisoformat(date)) == leader
