"""Every output a person reads, in Vietnamese and in Chinese, with no English in it.

The issue's list: `--help` of every command, an unknown id, a bad date, a
successful `status set --dry-run`, `show`, `diff`, `log`, `summary` and the
report's formats, each in `vi` and `zh`. URLs, ids, codes and the other things
`lang_probe` calls neutral aside, no English word may appear.
"""

from __future__ import annotations

import html
import re

import pytest

from conftest import Cli, git
from lang_probe import english_in

LANGS = ("vi", "zh")
EVIDENCE = "https://example.org/tin-tuc/1"


def _commands() -> list[tuple[str, ...]]:
    from bbtrack.cli.app import app
    from typer.main import get_command

    group = get_command(app)
    found: list[tuple[str, ...]] = [()]

    def walk(command, path):
        for name, sub in getattr(command, "commands", {}).items():
            if sub.hidden:
                continue
            found.append((*path, name))
            walk(sub, (*path, name))

    walk(group, ())
    return found


def _text(output: str) -> str:
    """An HTML page as the words a reader sees (styles and tags dropped)."""
    output = re.sub(r"(?is)<(style|script)\b.*?</\1>", " ", output)
    output = re.sub(r"(?i)<wbr\s*/?>", "", output)  # a break opportunity inside a word, not a space
    return html.unescape(re.sub(r"<[^>]+>", " ", output))


# A dry run shows the edit as the unified diff of the data file: the file's own text (its
# keys, comments and notes), as a reviewer will see it in git, not words of the program.
_UNIFIED_DIFF = re.compile(r"^(?:--- |\+\+\+ |@@ |[ +-]).*$\n?", re.MULTILINE)


def _no_english(result, lang: str, what: str) -> None:
    output = result.output
    if "--dry-run" in what:
        output = _UNIFIED_DIFF.sub("", output)
    assert "Traceback" not in output, output
    words = english_in(_text(output))
    assert not words, f"{what} in {lang}: English words {words[:12]}\n{output[:3000]}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("command", _commands(), ids=lambda c: " ".join(c) or "bbtrack")
def test_help_is_in_the_readers_language(shipped_cli, command, lang):
    result = shipped_cli("--lang", lang, *command, "--help")
    assert result.exit_code == 0, result.output
    _no_english(result, lang, f"`{' '.join(command)} --help`")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "args",
    [
        ("show", "SM23-9-99"),
        ("show", "SM23-3-51"),
        ("status", "set", "SM23-3-15", "in_progress", "--date", "31/2/2025", "--evidence", EVIDENCE, "--note", "x"),
        ("status", "set", "SM23-3-15", "finished", "--date", "2025-02-03", "--evidence", EVIDENCE, "--note", "x"),
        ("list", "--province", "Hà Nội"),
        ("list", "--status", "doen"),
        ("list", "--frobnicate"),
    ],
    ids=["unknown-id", "near-id", "bad-date", "bad-status", "bad-province", "status-typo", "bad-option"],
)
def test_errors_are_in_the_readers_language(shipped_cli, args, lang):
    result = shipped_cli("--lang", lang, *args)
    assert result.exit_code != 0
    _no_english(result, lang, " ".join(args))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "args",
    [
        ("status", "set", "SM23-3-15", "in_progress", "--date", "2025-02-03", "--evidence", EVIDENCE,
         "--note", "x", "--note-vi", "x", "--note-zh", "x", "--dry-run"),
        ("show", "SM23-3-15"),
        ("show", "huu-nghi"),
        ("log",),
        ("summary",),
        ("summary", "--by", "party"),
        ("crossings",),
        ("list", "--province", "Lạng Sơn"),
        ("check",),
        ("report",),
        ("report", "--format", "markdown"),
        ("report", "--format", "html"),
    ],
    ids=lambda a: " ".join(a[:3]),
)
def test_outputs_are_in_the_readers_language(shipped_cli, args, lang):
    result = shipped_cli("--lang", lang, *args)
    assert result.exit_code == 0, result.output
    _no_english(result, lang, " ".join(args))


@pytest.mark.parametrize("lang", LANGS)
def test_diff_and_a_write_are_in_the_readers_language(repo, lang):
    cli = Cli(repo / "data")
    wrote = cli("--lang", lang, "status", "set", "SM23-3-15", "in_progress", "--date", "2025-02-03",
                "--evidence", EVIDENCE, "--note", "x", "--note-vi", "x", "--note-zh", "x")
    assert wrote.exit_code == 0, wrote.output
    _no_english(wrote, lang, "status set")
    result = cli("--lang", lang, "diff")
    assert result.exit_code == 0, result.output
    _no_english(result, lang, "diff")
    git(repo, "commit", "-qam", "event")
    _no_english(cli("--lang", lang, "diff", "HEAD~1", "HEAD", "--format", "markdown"), lang, "diff --format markdown")


@pytest.mark.parametrize("lang", LANGS)
def test_the_word_report_is_in_the_readers_language(shipped_cli, tmp_path, lang):
    """The Word file has no stdout to read: its text as python-docx gives it, paragraphs and
    every table cell (the headings, figures, tables and the ladder)."""
    docx = pytest.importorskip("docx")
    target = tmp_path / "report.docx"
    result = shipped_cli("--lang", lang, "report", "--format", "docx", "--output", str(target))
    assert result.exit_code == 0, result.output
    doc = docx.Document(str(target))
    texts = [p.text for p in doc.paragraphs]
    texts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    text = "\n".join(texts)
    assert len(text) > 5000  # the whole report, not an empty file
    words = english_in(text)
    assert not words, f"report --format docx in {lang}: English words {words[:12]}"
