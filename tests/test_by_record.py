"""Reading a file one record at a time, and re-reading only the records that changed.

The loader composes each record's span alone (`spans.split_records`) and falls
back to the whole file on any doubt; the cache hands it the records of its
previous entry whose bytes did not change. Both must give exactly what a
whole-file parse gives: records, every file:line:col, problems and their order.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ENTRY, git
from bbtrack.load import cache, loader, spans
from bbtrack.load.cached import load

BAD = Path(__file__).resolve().parent / "bad_inputs"


def whole(data_dir: Path, monkeypatch):
    """What the loader gives reading each file whole (the reference)."""
    with monkeypatch.context() as patch:
        patch.setattr(loader, "split_records", lambda text, collection: None)
        return loader.parse_folder(data_dir)


def sources(result) -> list:
    ds = result.dataset
    return ([c.source for c in ds.commitments] + [h.source for c in ds.commitments for h in c.history]
            + [x.source for x in ds.crossings] + [h.source for x in ds.crossings for h in x.history]
            + [m.source for m in ds.meetings] + [p.source for p in result.problems])


def same(a, b) -> None:
    assert a.dataset == b.dataset
    assert a.problems == b.problems
    assert sources(a) == sources(b)


class Composes:
    """Counts the texts the loader composes (headers and records)."""

    def __init__(self, monkeypatch) -> None:
        self.texts: list[str] = []
        real = loader.compose

        def counting(text, *args, **kwargs):
            self.texts.append(text)
            return real(text, *args, **kwargs)

        monkeypatch.setattr(loader, "compose", counting)

    def records(self) -> int:
        return sum(not t.lstrip("\ufeff").startswith(("#", "schema")) for t in self.texts)


def _forms(text: str) -> dict[str, str]:
    return {"plain": text, "crlf": text.replace("\n", "\r\n"), "bom": "\ufeff" + text,
            "no-final-newline": text.rstrip("\n"),
            "indentless": text.replace("\n  - ", "\n- ").replace("\n    ", "\n  "),
            "comments-between": text.replace("\n  - id: SM23-3", "\n  # a comment\n\n  - id: SM23-3")}


@pytest.mark.parametrize("form", list(_forms("")))
def test_by_record_equals_whole_on_the_shipped_data(shipped_dir, monkeypatch, form):
    for name in ("commitments.yaml", "crossings.yaml"):
        path = shipped_dir / name
        path.write_bytes(_forms(path.read_text(encoding="utf-8"))[form].encode("utf-8"))
    result = loader.parse_folder(shipped_dir)
    assert result.spans is not None, "this layout is read record by record"
    assert len(result.dataset.commitments) > 40 and not result.errors
    same(result, whole(shipped_dir, monkeypatch))


@pytest.mark.parametrize("case", sorted(p.name for p in BAD.glob("[cx]_*.yaml")))
def test_by_record_equals_whole_on_every_bad_input(tmp_path, monkeypatch, case):
    folder = tmp_path / "data"
    shutil.copytree(BAD / "base", folder)
    shutil.copyfile(BAD / case, folder / ("commitments.yaml" if case.startswith("c_") else "crossings.yaml"))
    same(loader.parse_folder(folder), whole(folder, monkeypatch))


@pytest.mark.parametrize("text", [
    "schema: 1\ncommitments:\n  - id: a\n---\n  - id: b\n",  # a second document
    "%YAML 1.1\n---\nschema: 1\ncommitments:\n  - id: a\n",  # a directive
    "schema: 1\ncommitments: [{id: a}]\n",  # flow style
    "schema: 1\ncommitments:\n  - id: a\n meetings: x\n",  # a line less indented than the items
    "schema: 1\ncommitments:\n  - id: a\nmeetings: []\n",  # a key after the sequence
    "schema: 1\ncommitments:\n  - id: a\n  -x\n",  # a dash that is no item
    "schema: 1\ncommitments:\n",  # no items
])
def test_split_refuses_what_a_split_could_misread(text):
    assert spans.split_records(text, "commitments") is None
    # The bytes' split checks only the header; its reader refuses the span that holds the rest.
    raw = text.encode("utf-8")
    pieces = spans.split_bytes(raw, "commitments")
    assert pieces is None or not all(spans.readable_alone(pieces.chunk(raw, i), pieces.indent)
                                     for i in range(len(pieces.starts)))


@pytest.mark.parametrize("layout", ["shipped", "indent0", "indent4", "crlf", "comments", "generated"])
def test_the_bytes_split_finds_the_text_split_s_spans(data_dir, layout):
    """`split_bytes` (a patch's) gives each span the digest and place `split_records` (a full
    read's) gives it, and every span it finds reads alone: a patch matches a record of the
    entry by that digest."""
    text = (data_dir / "commitments.yaml").read_text(encoding="utf-8")
    if layout == "indent0":
        text = text.replace("\n  ", "\n")
    elif layout == "indent4":
        text = text.replace("\n  ", "\n    ")
    elif layout == "crlf":
        text = text.replace("\n", "\r\n")
    elif layout == "comments":
        text = text.replace("\n  - id:", "\n\n  # Ghi chú: một bản ghi\n  - id:")
    elif layout == "generated":
        rng = random.Random(7)
        head, _, body = text.partition("\ncommitments:\n")
        items = body.split("\n  - id:")
        text = head + "\ncommitments:\n" + "\n  - id:".join(items[:1] + [rng.choice(items[1:]) for _n in range(300)])
    split = spans.split_records(text, "commitments")
    assert split is not None
    raw = text.encode("utf-8")
    pieces = spans.split_bytes(raw, "commitments")
    assert pieces.digests == [span.digest for span in split.spans]
    assert pieces.starts == [len(text[:span.start].encode("utf-8")) for span in split.spans]
    assert spans.lines_at(raw, pieces.starts) == [span.line for span in split.spans]
    assert raw[:pieces.header_end].decode("utf-8") == text[:split.header_end]
    assert all(spans.readable_alone(pieces.chunk(raw, i), pieces.indent) for i in range(len(pieces.starts)))


def test_split_spans_cover_every_item_with_its_first_line():
    text = "schema: 1\ncommitments:\n  # before\n  - id: a\n    x: 1\n\n  # between\n  - id: b\n"
    split = spans.split_records(text, "commitments")
    assert [text[s.start:s.end] for s in split.spans] == ["  - id: a\n    x: 1\n\n  # between\n", "  - id: b\n"]
    assert [s.line for s in split.spans] == [4, 8]
    assert text[:split.header_end] == "schema: 1\ncommitments:\n  # before\n"


def test_a_split_inside_a_quoted_value_reads_the_file_whole(data_dir, monkeypatch):
    """An item marker inside a multi-line quoted value: the record's span alone does not
    compose, so the file is read whole, and the value keeps its text."""
    path = data_dir / "commitments.yaml"
    text = path.read_text(encoding="utf-8")
    at = text.index("    title_en: ", text.index("  - id: SM23-3-05"))
    end = text.index("\n", at)
    path.write_text(text[:at] + '    title_en: "Open\n  - id: not-a-record\n   quoted"' + text[end:], encoding="utf-8")
    result = loader.parse_folder(path.parent)
    assert result.spans is None
    same(result, whole(data_dir, monkeypatch))
    assert result.dataset.commitment("SM23-3-05").title_en == "Open - id: not-a-record quoted"


def _edit_outside(path: Path, count: int, seed: int) -> list[str]:
    """Change `count` records' English titles and add a comment line above each (lines shift)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    titles = [i for i, line in enumerate(lines) if line.startswith("    title_en: ")
              and not line.startswith('    title_en: "') and i > 20]
    chosen = sorted(random.Random(seed).sample(titles, count), reverse=True)
    for i in chosen:
        lines[i] = lines[i].replace("title_en: ", "title_en: Edited ")
        lines.insert(i, "    # edited outside bbtrack")
    path.write_text("\n".join(lines), encoding="utf-8")
    return chosen


@pytest.mark.parametrize("seed", range(4))
def test_after_an_outside_edit_only_the_changed_records_are_parsed(shipped_dir, monkeypatch, seed):
    load(shipped_dir)
    _edit_outside(shipped_dir / "commitments.yaml", 3, seed)
    composes = Composes(monkeypatch)
    result = load(shipped_dir)
    assert composes.records() == 3
    same(result, whole(shipped_dir, monkeypatch))
    assert sum("Edited" in c.title_en for c in result.dataset.commitments) == 3
    composes.texts.clear()
    same(load(shipped_dir), result)  # and the new state is an entry of its own
    assert composes.texts == []


def test_a_merge_that_moves_and_removes_records_is_read_as_a_parse_reads_it(shipped_dir, monkeypatch):
    load(shipped_dir)
    path = shipped_dir / "commitments.yaml"
    text = path.read_text(encoding="utf-8")
    first = text.index("  - id: SM23-1-01")
    second = text.index("  - id: SM23-1-02")
    third = text.index("  - id: SM23-1-03")
    # SM23-1-02 moves to the end, SM23-1-01 goes away (validate then says nothing is wrong: ids may end)
    moved = text[second:third]
    path.write_text(text[:first] + text[third:] + moved, encoding="utf-8")
    composes = Composes(monkeypatch)
    result = load(shipped_dir)
    assert composes.records() == 0, "every record's bytes were known"
    same(result, whole(shipped_dir, monkeypatch))


def test_a_damaged_previous_entry_means_a_full_parse(shipped_dir, monkeypatch):
    load(shipped_dir)
    entry = cache.entry_path(shipped_dir)
    entry.write_bytes(entry.read_bytes()[:-200])
    _edit_outside(shipped_dir / "commitments.yaml", 2, 7)
    composes = Composes(monkeypatch)
    result = load(shipped_dir)
    assert composes.records() == len(result.dataset.commitments) + len(result.dataset.crossings)  # every one
    same(result, whole(shipped_dir, monkeypatch))


def test_after_a_status_set_the_next_read_parses_one_record(repo, tmp_path):
    """Through the console script, as a user runs it: the write, then `show` (which reads
    the records) answers with the new history at the right lines, equal to --no-cache."""
    data = repo / "data"
    env_run = lambda *args: subprocess.run([*ENTRY, "--data-dir", str(data), *args], capture_output=True,  # noqa: E731
                                           text=True, encoding="utf-8", cwd=tmp_path)
    assert env_run("check").returncode == 0
    done = env_run("status", "set", "SM23-2-01", "in_progress", "--date", "2023-06-01",
                   "-e", "https://example.org/a", "--note", "started", "--by", "test")
    assert done.returncode == 0, done.stderr
    probe = ("import sys; from bbtrack.load import loader; real = loader.compose; n = []\n"
             "loader.compose = lambda t, *a, **k: (n.append(t), real(t, *a, **k))[1]\n"
             "from bbtrack.cli.entry import main\n"
             "try:\n    main()\nfinally:\n"
             "    sys.stderr.write(f'composed {sum(not t.startswith((chr(35), \"schema\")) for t in n)}\\n')\n")
    shown = subprocess.run([ENTRY[0], "-c", probe, "--data-dir", str(data), "show", "SM23-3-01"],
                           capture_output=True, text=True, encoding="utf-8", cwd=tmp_path)
    assert shown.returncode == 0 and shown.stderr.endswith("composed 1\n"), shown.stderr
    for args in (["log", "SM23-2-01"], ["check", "--format", "json"], ["list", "--format", "json"]):
        assert env_run(*args).stdout == env_run("--no-cache", *args).stdout
    git(repo, "diff", "--quiet", "--", "data/crossings.yaml")


def test_a_long_parse_shows_progress_on_a_terminal(tmp_path):
    """`progress.Progress` as the loader drives it: nothing in the first second, then the count
    of records read, and a last line with the total (a clock that ticks 0.5 s a call)."""
    import io

    from bench import datasets
    from bbtrack.cli.progress import Progress

    folder = tmp_path / "data"
    datasets.build(folder, 1500)
    out = io.StringIO()
    progress = Progress(out)
    ticks = iter(range(10_000))
    progress.clock = lambda: next(ticks) * 0.5
    progress.started = 0.0
    result = loader.parse_folder(folder, progress=progress)
    progress.close()
    assert len(result.dataset.commitments) == 1500 and result.spans is not None
    shown = out.getvalue().split("\r")
    assert shown[0] == ""
    # calls at 0, 0.5, 1.0 s (records 500, 1,000, 1,500): only the one after a second shows
    assert not any(line.endswith((" 500 of 1,500 records", "1,000 of 1,500 records")) for line in shown)
    assert any(line.startswith("bbtrack: reading ") and line.endswith("commitments.yaml: 1,500 of 1,500 records")
               for line in shown)
    assert shown[-1].startswith("bbtrack: read 1,500 records in ") and shown[-1].endswith(" s\n")


def test_a_short_parse_shows_nothing(shipped_dir):
    import io

    from bbtrack.cli.progress import Progress

    out = io.StringIO()
    progress = Progress(out)
    loader.parse_folder(shipped_dir, progress=progress)
    progress.close()
    assert out.getvalue() == ""


def test_records_pickled_by_other_code_are_never_reused(shipped_dir, monkeypatch):
    """An entry whose fingerprint names other code (a field added to a class would shift the
    pickled values) is not reused: every record is parsed again."""
    load(shipped_dir)
    real = cache.folder_fingerprint
    monkeypatch.setattr(cache, "folder_fingerprint", lambda *a, **k: ("another bbtrack", *real(*a, **k)[1:]))
    _edit_outside(shipped_dir / "commitments.yaml", 1, 3)
    composes = Composes(monkeypatch)
    result = load(shipped_dir)
    assert composes.records() == len(result.dataset.commitments) + len(result.dataset.crossings)
    same(result, whole(shipped_dir, monkeypatch))
