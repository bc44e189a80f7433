"""Every command-line error is one line on stderr and exit status 2: no traceback, nothing half-written."""

from __future__ import annotations

import subprocess
import sys

import pytest

from analysis import cli
from tests.conftest import FIXTURES


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli-errors")
    assert run("ingest", "--raw", str(FIXTURES / "raw"), "--processed", str(out), "--quiet").returncode == 0
    return out


def cases(processed, tmp_path):
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("reports: [unclosed\n", encoding="utf-8")
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    broken = tmp_path / "broken.tar.xz"
    broken.write_bytes(b"\xfd7zXZ\x00" + b"\x00" * 100)  # an xz header, then nothing readable
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("families: {our-partners: [our partners]}\n", encoding="utf-8")
    word = tmp_path / "word.yaml"
    word.write_text("hello\n", encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "about.html").write_text("mine", encoding="utf-8")
    p = str(processed)
    return [
        (["kwic", "--processed", p, "--phrase", "stress", "--out", str(tmp_path)], "Is a directory"),
        (["ingest", "--raw", str(FIXTURES / "raw"), "--processed", str(a_file)], "is a file, not a folder"),
        (["render", "--reports-config", str(bad_yaml), "--reports-dir", str(tmp_path / "r")], "not valid YAML"),
        (["count", "--processed", p, "--phrase", "x", "--start", "2020-01-01garbage"], "is not an ISO date"),
        (["nmf-topics", "--processed", p, "--n-topics", "0"], "n_topics must be at least 2; got 0"),
        (["nmf-topics", "--processed", p, "--n-topics", "51"], "n_topics must be between 2 and 50"),
        (["keyness", "--processed", p, "--split", "2020-01-01", "--min-freq", "-1"], "min_freq must be at least 1"),
        (["count", "--processed", p, "--phrase", "word " * 20_000], "at most 300"),
        (["count", "--processed", str(tmp_path / "none"), "--phrase", "x"], "no processed corpus"),
        (["count", "--processed", p, "--phrase", "x", "--speaker", "Nobody Atall"], "has no words in this corpus"),
        (["ingest", "--raw", str(tmp_path / "missing"), "--processed", str(tmp_path / "o")], "does not exist"),
        (["nosuchcommand"], "invalid choice"),
        (["ingest", "--raw", str(broken), "--processed", str(tmp_path / "o2")], "is damaged"),
        (["count", "--processed", p, "--phrase", "x", "--phrase-lexicon", str(mapping)], "must be a list of entries"),
        (["count", "--processed", p, "--phrase", "x", "--phrase-lexicon", str(word)], "no list of families"),
        (["ingest", "--raw", str(FIXTURES / "raw"), "--processed", str(tmp_path / "o3"), "--wait", "nan"], "wait must"),
        (["rhetoric-precision", "--processed", p, "--labels", str(tmp_path / "no.csv")], "does not exist"),
        (["ingest", "--raw", str(FIXTURES / "raw"), "--processed", "."], "is the working directory"),
        (["render", "--processed", p, "--reports-dir", str(site)], "holds files Refrain did not write"),
    ]


def in_process(args: list[str], capsys) -> tuple[int, str]:
    """``python -m analysis ARGS`` as :func:`analysis.cli.main` runs it: the exit status and stderr."""
    capsys.readouterr()
    try:
        code = cli.main(args)
    except SystemExit as exc:  # argparse's errors
        code = exc.code
    return code, capsys.readouterr().err


#: The cases also run as their own process (``python -m analysis``: the interpreter's own output, such as
#: a warning or a traceback at exit, would show there): an argument error, a measure's, an ingest's.
IN_A_PROCESS = ("nosuchcommand", "nmf-topics", "ingest")


def test_each_error_is_one_line_and_exit_2(processed, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # "." is tmp_path: nothing is written into the project
    processes: set[str] = set()
    for args, message in cases(processed, tmp_path):
        code, err = in_process(args, capsys)
        if args[0] in IN_A_PROCESS and args[0] not in processes:
            res = run(*args, cwd=tmp_path)
            assert (res.returncode, res.stderr.splitlines()[-1:]) == (code, err.splitlines()[-1:]), args[0]
            code, err = res.returncode, res.stderr
            processes.add(args[0])
        lines = err.strip().splitlines()
        assert code == 2, (args[0], err[-500:])
        assert len(lines) == 1 and "error:" in lines[0] and message in lines[0], (args[0], lines)
        assert "Traceback" not in err
    assert processes == set(IN_A_PROCESS)
    assert not (tmp_path / "r").exists()  # the bad report list wrote nothing


def test_a_phrase_that_is_no_family_profiles_as_zero_uses(processed):
    res = run(
        "profile", "--processed", str(processed), "--doc-id", "statements-2021-06-01-test-remarks", "--family", "nope"
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0].startswith("heading,paragraphs,speaker_words")
