"""The list index patched after a change of a few records (`load.patch`): it prints what a
fresh read prints, it is never served for bytes it did not parse, and anything unusual
makes it give up so that the long way reports what is wrong."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bbtrack.load import cache, fingerprint, patch, validate
from bbtrack.load.loader import COMMITMENTS_FILE, CROSSINGS_FILE

URL = "https://example.org/evidence"
LISTS = [("--format", "json"), ("--format", "csv"), ("--format", "table"), ("--format", "markdown"),
         ("--format", "json", "--province", "Lạng Sơn"), ("--format", "csv", "--status", "open"),
         ("--format", "json", "--today", "2035-01-01")]


def _same_as_fresh(cli, *options: str) -> None:
    for args in LISTS:
        warm = cli(*options, "list", *args)
        fresh = cli("--no-cache", "list", *args)
        assert (warm.exit_code, warm.stdout, warm.stderr) == (fresh.exit_code, fresh.stdout, fresh.stderr), args


def _warm(cli, data_dir: Path) -> bytes:
    assert cli("list").exit_code == 0
    return cache.entry_path(data_dir).read_bytes()


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _no_full_read(monkeypatch) -> None:
    import bbtrack.load.loader

    monkeypatch.setattr(bbtrack.load.loader, "parse_folder", lambda *a, **k: pytest.fail("the folder was read"))


def test_every_check_is_per_record_or_across_records():
    """A check added to CHECKS must say which it is, or a patch would not run it."""
    assert set(validate.CHECKS) == set(validate.PER_RECORD) | set(validate.ACROSS_RECORDS)
    assert not set(validate.PER_RECORD) & set(validate.ACROSS_RECORDS)


def test_status_set_writes_the_patch_and_list_reads_it(shipped_cli, shipped_dir, monkeypatch):
    entry = _warm(shipped_cli, shipped_dir)
    result = shipped_cli("status", "set", "SM23-0-01", "in_progress", "--date", "2026-01-02", "--evidence", URL,
                         "--by", "t", "--note", "n")
    assert result.exit_code == 0, result.output
    assert cache.index_path(shipped_dir).is_file()
    with monkeypatch.context() as m:
        _no_full_read(m)
        listed = shipped_cli("list", "--format", "markdown", "--status", "in_progress")
    assert "SM23-0-01" in listed.stdout
    before = cache.entry_path(shipped_dir).read_bytes()
    assert before == entry  # the records were not pickled again
    _same_as_fresh(shipped_cli)  # (JSON and CSV read the folder: a patch keeps no machine rows)
    # A second write patches the patch.
    result = shipped_cli("status", "set", "SM23-0-01", "done", "--date", "2026-01-03", "--evidence", URL,
                         "--by", "t", "--note", "n")
    assert result.exit_code == 0, result.output
    assert cache.index_path(shipped_dir).is_file()
    _same_as_fresh(shipped_cli)


def test_outside_edits_above_and_below_are_patched(shipped_cli, shipped_dir, monkeypatch):
    entry = _warm(shipped_cli, shipped_dir)
    path = shipped_dir / COMMITMENTS_FILE
    text = path.read_text(encoding="utf-8")
    ids = re.findall(r"^  - id: (SM23-\S+)$", text, re.M)
    for rid in (ids[1], ids[20], ids[-1]):  # a comment line above each: every later record moves
        text = text.replace(f"  - id: {rid}\n", f"  # revised\n  - id: {rid}\n", 1)
    body = text.index("\ncommitments:")  # the header's meeting has a title_en too
    text = text[:body] + text[body:].replace("title_vi: ", "title_vi: Revised ", 2)
    path.write_text(text, encoding="utf-8")
    assert patch.refresh(shipped_dir)
    with monkeypatch.context() as m:
        _no_full_read(m)  # (in the language the cache was warmed in: warnings are kept in it)
        assert "Revised" in shipped_cli("list", "--format", "markdown").stdout
    assert cache.entry_path(shipped_dir).read_bytes() == entry
    _same_as_fresh(shipped_cli)


def test_records_removed_and_added(shipped_cli, shipped_dir):
    _warm(shipped_cli, shipped_dir)
    path = shipped_dir / COMMITMENTS_FILE
    text = path.read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=  - id: SM23-)", text)
    moved = blocks[3]
    copy = blocks[5].replace(re.search(r"id: (\S+)", blocks[5]).group(1), "SM23-3-99", 1)
    copy = re.sub(r"(?m)^    section: \d+$", "    section: 3", copy)
    del blocks[3]
    blocks.insert(10, moved)  # a record moved: the same bytes elsewhere
    del blocks[7]  # one removed
    blocks.insert(-1, copy)  # one added, not at the end of the id order
    path.write_text("".join(blocks), encoding="utf-8")
    assert patch.refresh(shipped_dir)
    _same_as_fresh(shipped_cli)


@pytest.mark.parametrize("old, new", [
    ("parties: [Cao Bằng, Quảng Tây]", "parties: [Cao Bằng, Quang Tay]"),  # unknown party
    ("  - id: SM23-1-02\n", "  - id: SM23-1-01\n"),  # duplicate id
    ("crossings: []", "crossings: [no-such-crossing]"),  # unknown crossing
    ("status: open", "status: opne"),  # not a status
    ("    section: 1\n", "    section: [1\n"),  # not YAML
])
def test_a_changed_record_with_an_error_is_left_to_the_long_way(cli, data_dir, old, new):
    _warm(cli, data_dir)
    _edit(data_dir / COMMITMENTS_FILE, old, new)
    assert not patch.refresh(data_dir)
    assert not cache.index_path(data_dir).exists()
    _same_as_fresh(cli)
    assert cli("list").exit_code == cli("--no-cache", "list").exit_code


@pytest.mark.parametrize("victim, old, new", [
    (COMMITMENTS_FILE, "    date: 2023-02-22", "    date: 2023-02-23"),  # the header: a meeting
    (CROSSINGS_FILE, "stage: operating", "stage: announced"),
])
def test_the_header_or_the_crossings_changed_means_a_full_read(cli, data_dir, victim, old, new):
    _warm(cli, data_dir)
    _edit(data_dir / victim, old, new)
    assert not patch.refresh(data_dir)
    _same_as_fresh(cli)


def test_a_same_size_same_mtime_edit_after_a_patch_is_never_served_from_it(shipped_cli, shipped_dir):
    _warm(shipped_cli, shipped_dir)
    result = shipped_cli("status", "set", "SM23-0-01", "in_progress", "--date", "2026-01-02", "--evidence", URL,
                         "--by", "t", "--note", "n")
    assert result.exit_code == 0 and cache.index_path(shipped_dir).is_file()
    assert shipped_cli("list").exit_code == 0
    path = shipped_dir / COMMITMENTS_FILE
    st = path.stat()
    _edit(path, "title_en: Fully implement", "title_en: Fully implemenT")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size
    assert "implemenT" in shipped_cli("list", "--format", "csv").stdout
    _same_as_fresh(shipped_cli)


def test_bytes_not_on_disk_are_never_patched_in(shipped_cli, shipped_dir):
    """A writer's bytes, replaced by another process before the patch is made: no patch for them."""
    _warm(shipped_cli, shipped_dir)
    path = shipped_dir / COMMITMENTS_FILE
    mine = path.read_bytes().replace(b"title_en: Fully implement", b"title_en: Mine", 1)
    path.write_bytes(mine.replace(b"title_en: Mine", b"title_en: Theirs", 1))
    assert patch.refresh(shipped_dir, mine) is None  # the size differs from the file's: refused
    assert cache.cached_index(shipped_dir) is None
    same_size = mine.replace(b"title_en: Mine", b"title_en: Nope", 1)
    path.write_bytes(same_size)
    patch.refresh(shipped_dir, mine)  # same size, other bytes: a patch keyed by `mine`'s digest only
    assert "Nope" in shipped_cli("list", "--format", "csv").stdout
    _same_as_fresh(shipped_cli)


def test_two_writers_through_the_console_script(shipped_dir, tmp_path):
    """Two processes write one after the other; each next `list` prints the folder as it is."""
    env = dict(os.environ)
    exe = Path(sys.executable).with_name("bbtrack")
    run = [str(exe) if exe.exists() else sys.executable, *([] if exe.exists() else ["-m", "bbtrack"]),
           "--data-dir", str(shipped_dir)]

    def bb(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*run, *args], capture_output=True, text=True, env=env, timeout=120)

    assert bb("list").returncode == 0
    for rid, status in (("SM23-0-01", "in_progress"), ("SM23-0-02", "stalled")):
        done = bb("status", "set", rid, status, "--date", "2026-01-02", "--evidence", URL, "--by", "t", "--note", "n")
        assert done.returncode == 0, done.stderr
    warm, fresh = bb("list", "--format", "json"), bb("--no-cache", "list", "--format", "json")
    assert warm.stdout == fresh.stdout and '"status": "stalled"' in warm.stdout


def _patched_list_equals_fresh(cli, monkeypatch) -> None:
    with monkeypatch.context() as m:
        _no_full_read(m)
        patched = [cli("list", "--format", fmt, *more) for fmt in ("table", "markdown")
                   for more in ((), ("--province", "Lạng Sơn"), ("--status", "open"))]
    fresh = [cli("--no-cache", "list", "--format", fmt, *more) for fmt in ("table", "markdown")
             for more in ((), ("--province", "Lạng Sơn"), ("--status", "open"))]
    assert [(r.exit_code, r.stdout) for r in patched] == [(r.exit_code, r.stdout) for r in fresh]


def test_a_chain_of_changes_is_kept_as_one_change_of_the_entry(shipped_cli, shipped_dir, monkeypatch):
    """Each patch is stored as a change of the entry's index (`listindex.IndexDelta`), made
    from the one before: records changed twice, removed, put back, added, moved. After each
    step the patched `list` prints what a fresh read prints, and the entry is never rewritten."""
    from bbtrack.views.listindex import IndexDelta

    entry = _warm(shipped_cli, shipped_dir)
    path = shipped_dir / COMMITMENTS_FILE
    blocks = re.split(r"(?m)^(?=  - id: SM23-)", path.read_text(encoding="utf-8"))
    removed = blocks[9]

    def write(step: str) -> None:
        path.write_text("".join(blocks), encoding="utf-8")
        assert patch.refresh(shipped_dir), step
        _patched_list_equals_fresh(shipped_cli, monkeypatch)
        assert cache.entry_path(shipped_dir).read_bytes() == entry, step

    ids = [re.search(r"id: (\S+)", block).group(1) for block in (blocks[4], blocks[30], removed)]
    blocks[4] = blocks[4].replace("title_en: ", "title_en: First ", 1)
    write("one record changed")
    blocks[4] = blocks[4].replace("title_en: First ", "title_en: Second ", 1)
    blocks[30] = blocks[30].replace("title_en: ", "title_en: Other ", 1)
    write("the same record changed again, and another")
    del blocks[9]
    write("a record removed")
    blocks.insert(2, removed)
    write("the record put back, elsewhere")
    added = blocks[12].replace(re.search(r"id: (\S+)", blocks[12]).group(1), "SM23-3-98", 1)
    blocks.insert(-1, re.sub(r"(?m)^    section: \d+$", "    section: 3", added))
    write("a record added")
    state = fingerprint.folder_fingerprint(shipped_dir)
    _, _, _, stored = cache.read_base(shipped_dir, (*state[:fingerprint.SAME_CODE], "another state"), (0,))
    delta = stored[0]
    assert isinstance(delta, IndexDelta)  # not the whole index again
    # Its rows: the record changed twice (once), the other one, the one put back, the one added.
    assert sorted(delta.add.ids) == sorted([ids[0], ids[1], ids[2], "SM23-3-98"])
    _same_as_fresh(shipped_cli)


def test_a_change_of_an_entry_that_is_gone_is_not_served(shipped_cli, shipped_dir):
    """An index patch names the entry it changes: once a full read has replaced that entry, a
    patch left over is not read over the new one."""
    _warm(shipped_cli, shipped_dir)
    path = shipped_dir / COMMITMENTS_FILE
    _edit(path, "    title_en: Fully", "    title_en: Revised")  # a record's, not the meeting's
    assert patch.refresh(shipped_dir)
    revised, stat, patched = path.read_bytes(), path.stat(), cache.index_path(shipped_dir).read_bytes()
    _edit(path, "    title_en: Revised", "    title_en: Again")
    assert shipped_cli("list", "--format", "json").exit_code == 0  # a full read: a new entry, the patch dropped
    assert not cache.index_path(shipped_dir).exists()
    path.write_bytes(revised)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the patched state, exactly
    cache.index_path(shipped_dir).write_bytes(patched)  # and its patch, of the entry that is gone
    assert cache.cached_index(shipped_dir) is None
    _same_as_fresh(shipped_cli)
