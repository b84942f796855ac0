"""The parse cache: a hit equals a parse, and any doubt means parse again."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import os
import pickle
from pathlib import Path

import pytest

from bbtrack.load import cache, fingerprint
from bbtrack.load.cached import load
from bbtrack.load.loader import COMMITMENTS_FILE, parse_folder


class CountingParse:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, data_dir: Path, **options):
        self.calls += 1
        return parse_folder(data_dir, **options)


def sources(result) -> list:
    ds = result.dataset
    return ([c.source for c in ds.commitments] + [h.source for c in ds.commitments for h in c.history]
            + [x.source for x in ds.crossings] + [m.source for m in ds.meetings])


def test_hit_returns_an_equal_dataset_without_parsing(data_dir):
    parse = CountingParse()
    first = cache.cached_load(data_dir, parse)
    assert parse.calls == 1 and cache.entry_path(data_dir).is_file()
    second = cache.cached_load(data_dir, parse)
    assert parse.calls == 1, "the second load must come from the cache"
    assert second.dataset == first.dataset == parse_folder(data_dir).dataset
    assert sources(second) == sources(first)  # file:line:col survive (compare=False in ==)
    assert second.problems == first.problems and second.data_dir == first.data_dir
    assert len(second.dataset.commitments) == 48


def test_hit_keeps_records_frozen_and_typed(data_dir):
    cache.cached_load(data_dir, parse_folder)
    hit = cache.cached_load(data_dir, lambda d: pytest.fail("parsed"))
    c = hit.dataset.commitment("SM23-3-17")
    assert type(c).__name__ == "Commitment" and isinstance(c.parties, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.status = "done"  # type: ignore[misc]
    assert c.due is not None and c.due.end == dt.date(2023, 12, 31)  # PartialDate works on loaded values


def test_same_size_and_mtime_but_new_content_is_a_miss(data_dir):
    path = data_dir / COMMITMENTS_FILE
    cache.cached_load(data_dir, parse_folder)
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    old = "title_en: Continue cooperation in training cadres"
    assert old in text
    new = old.replace("training", "trainin9")  # same number of bytes
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    parse = CountingParse()
    result = cache.cached_load(data_dir, parse)
    assert parse.calls == 1, "the content hash must catch the edit"
    assert result.dataset.commitment("SM23-1-02").title_en == "Continue cooperation in trainin9 cadres"


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "header-only"])
def test_corrupt_entry_is_ignored_and_rebuilt(data_dir, damage):
    cache.cached_load(data_dir, parse_folder)
    entry = cache.entry_path(data_dir)
    raw = entry.read_bytes()
    if damage == "truncate":
        entry.write_bytes(raw[: len(raw) // 2])
    elif damage == "garbage":
        entry.write_bytes(b"\x80\x05not a pickle at all" * 10)
    elif damage == "empty":
        entry.write_bytes(b"")
    else:  # a valid fingerprint and nothing after it
        entry.write_bytes(pickle.dumps(fingerprint.folder_fingerprint(data_dir)))
    parse = CountingParse()
    result = cache.cached_load(data_dir, parse)
    assert parse.calls == 1 and len(result.dataset.commitments) == 48
    cache.cached_load(data_dir, parse)
    assert parse.calls == 1, "the entry was rewritten by the rebuild"


def test_entry_of_another_fingerprint_is_a_miss(data_dir):
    cache.cached_load(data_dir, parse_folder)
    entry = cache.entry_path(data_dir)
    with open(entry, "rb") as handle:
        fingerprint = pickle.load(handle)
        rest = handle.read()
    stale = (fingerprint[0] + "-other", *fingerprint[1:])  # another bbtrack version
    entry.write_bytes(pickle.dumps(stale) + rest)
    parse = CountingParse()
    cache.cached_load(data_dir, parse)
    assert parse.calls == 1


def _poison(data_dir: Path) -> None:
    """A fresh-looking entry whose records say something the files do not."""
    truth = parse_folder(data_dir)
    fake = dataclasses.replace(truth, dataset=dataclasses.replace(truth.dataset, commitments=truth.dataset.commitments[:1]))
    cache._write(cache.entry_path(data_dir), fingerprint.folder_fingerprint(data_dir), fake)


def test_no_cache_option_bypasses_the_entry(cli, data_dir):
    _poison(data_dir)
    poisoned = cli("--lang", "en", "list", "--format", "csv")  # the language the entry was written in
    assert poisoned.exit_code == 0 and len(poisoned.stdout.splitlines()) == 2  # header + the one cached record
    fresh = cli("--no-cache", "list", "--format", "csv")
    assert fresh.exit_code == 0 and len(fresh.stdout.splitlines()) == 49
    assert load(data_dir, use_cache=False).dataset.commitments[5].id == "SM23-1-04"


def test_no_cache_writes_no_entry(cli, data_dir):
    assert cli("--no-cache", "list").exit_code == 0
    assert not cache.entry_path(data_dir).exists()


def test_cache_folder_not_writable_still_works(cli, data_dir, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    for _ in range(2):
        result = cli("list", "--province", "Cao Bằng", "--format", "csv")
        assert result.exit_code == 0, result.output
        assert "SM23-3-17" in result.stdout
    assert blocker.is_file()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes through chmod")
def test_read_only_cache_folder_still_works(cli, tmp_path, monkeypatch):
    folder = tmp_path / "ro"
    (folder / "bbtrack").mkdir(parents=True)
    (folder / "bbtrack").chmod(0o500)
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    try:
        assert cli("list").exit_code == 0
        assert not list((folder / "bbtrack").iterdir())
    finally:
        (folder / "bbtrack").chmod(0o700)


def test_data_with_errors_is_never_cached(data_dir):
    path = data_dir / COMMITMENTS_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("parties: [Lạng Sơn, Quảng Tây]", "parties: [Lang Sonn, Quảng Tây]", 1), encoding="utf-8")
    parse = CountingParse()
    first = cache.cached_load(data_dir, parse)
    assert first.errors and any(p.code == "unknown-party" for p in first.errors)
    assert not cache.entry_path(data_dir).exists()
    cache.cached_load(data_dir, parse)
    assert parse.calls == 2


def test_fatal_data_is_never_cached(data_dir):
    (data_dir / COMMITMENTS_FILE).write_text("schema: 1\ncommitments: [\n", encoding="utf-8")
    result = cache.cached_load(data_dir, parse_folder)
    assert result.fatal
    assert not cache.entry_path(data_dir).exists()


def test_warnings_alone_are_cached(data_dir):
    path = data_dir / COMMITMENTS_FILE
    text = path.read_text(encoding="utf-8")
    old = "title_en: Continue cooperation in training cadres"
    bidi = 'title_en: "Continue cooperation in training cadres \\u202e"'  # a YAML escape: U+202E
    path.write_text(text.replace(old, bidi, 1), encoding="utf-8")
    first = cache.cached_load(data_dir, parse_folder)
    assert not first.errors and any(p.severity == "warning" for p in first.problems)
    assert cache.entry_path(data_dir).exists()
    assert cache.cached_load(data_dir, lambda d: pytest.fail("parsed")).problems == first.problems


def test_missing_file_is_reported_not_cached(data_dir):
    (data_dir / COMMITMENTS_FILE).unlink()
    result = cache.cached_load(data_dir, parse_folder)
    assert any(p.code == "missing-file" for p in result.problems)
    assert not cache.entry_path(data_dir).exists()


def test_other_current_folder_is_another_entry_state(data_dir, tmp_path, monkeypatch):
    """Messages name files relative to the current folder: a hit must not reuse another folder's names."""
    monkeypatch.chdir(data_dir.parent)
    here = cache.cached_load(data_dir, parse_folder)
    assert here.dataset.commitments_file == "data/commitments.yaml"
    monkeypatch.chdir(data_dir)
    parse = CountingParse()
    there = cache.cached_load(data_dir, parse)
    assert parse.calls == 1 and there.dataset.commitments_file == "commitments.yaml"


def test_gc_state_is_restored(data_dir):
    assert gc.isenabled()
    cache.cached_load(data_dir, parse_folder)
    cache.cached_load(data_dir, parse_folder)
    assert gc.isenabled()
    gc.disable()
    try:
        cache.cached_load(data_dir, parse_folder)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_entry_is_private(data_dir):
    cache.cached_load(data_dir, parse_folder)
    assert cache.entry_path(data_dir).stat().st_mode & 0o077 == 0


def test_clear_removes_entries(data_dir):
    cache.cached_load(data_dir, parse_folder)
    assert cache.clear() == 1
    assert not cache.entry_path(data_dir).exists()


def test_a_failing_write_only_costs_speed(data_dir, monkeypatch):
    def broken(handle):
        raise RuntimeError("cannot pickle this")

    monkeypatch.setattr(cache, "_pickler", broken)
    result = cache.cached_load(data_dir, parse_folder)
    assert len(result.dataset.commitments) == 48
    entry = cache.entry_path(data_dir)
    assert not entry.exists() and not list(entry.parent.glob(".tmp-*"))


# --- verdicts: a write need not re-parse a folder bbtrack already knows is clean ----------

URL = "https://example.org/evidence"


def _no_parse(patch) -> None:
    import bbtrack.load.loader

    patch.setattr(bbtrack.load.loader, "parse_folder", lambda data_dir, **_: pytest.fail("the folder was parsed"))


def test_consecutive_writes_parse_the_folder_once(cli, data_dir, monkeypatch):
    first = cli("status", "set", "SM23-3-17", "ongoing", "--date", "2024-01-02", "--evidence", URL, "--by", "t")
    assert first.exit_code == 0, first.output
    assert cache.verdict_path(data_dir).is_file()
    assert cache.known_clean(data_dir) == fingerprint.folder_fingerprint(data_dir)
    # In this block a parse fails the test. (A context, not monkeypatch.undo(): that would
    # also undo conftest's private cache folder for the rest of the test.)
    with monkeypatch.context() as patch:
        _no_parse(patch)
        for day, (rid, to) in enumerate([("SM23-3-18", "ongoing"), ("tra-linh", "accepted"), ("SM23-3-17", "done")], 3):
            result = cli("status", "set", rid, to, "--date", f"2024-01-{day:02d}", "--evidence", URL, "--by", "t",
                         "--note", "n")
            assert result.exit_code == 0, result.output
    assert cli("check").exit_code == 0
    assert parse_folder(data_dir).dataset.commitment("SM23-3-17").status == "done"


@pytest.mark.parametrize("victim", ["commitments.yaml", "crossings.yaml"])
def test_a_verdict_never_covers_an_edit_made_by_anything_else(cli, data_dir, victim):
    """Break either file behind bbtrack's back, keeping its size and mtime: the
    next write must still look, find the problem, and refuse."""
    assert cli("status", "set", "SM23-3-17", "ongoing", "--date", "2024-01-02", "--evidence", URL).exit_code == 0
    path = data_dir / victim
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    old, new = ("  - id: SM23-1-02", "  - id: SM23-1-03") if victim == "commitments.yaml" else \
        ("stage: operating", "stage: operatinX")
    assert old in text and len(old) == len(new)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    result = cli("--lang", "en", "status", "set", "SM23-3-18", "ongoing", "--date", "2024-01-03", "--evidence", URL)
    assert result.exit_code == 1, result.output
    assert "fix the data first" in result.stderr


def test_no_verdict_when_the_text_spliced_is_not_the_text_checked(data_dir):
    cache.cached_load(data_dir, parse_folder)
    checked = cache.known_clean(data_dir)
    path = data_dir / COMMITMENTS_FILE
    old = path.read_bytes()
    cache.vouch(data_dir, checked, path, old.replace(b"SM23-1-02", b"SM23-1-0X"), old)
    assert not cache.verdict_path(data_dir).exists()
    cache.vouch(data_dir, checked, path, old, old)
    assert cache.verdict_path(data_dir).is_file()


def test_no_cache_write_leaves_no_verdict(cli, data_dir):
    result = cli("--no-cache", "status", "set", "SM23-3-17", "ongoing", "--date", "2024-01-02", "--evidence", URL)
    assert result.exit_code == 0, result.output
    assert not cache.verdict_path(data_dir).exists() and not cache.entry_path(data_dir).exists()


def test_clear_removes_verdicts(cli, data_dir):
    assert cli("status", "set", "SM23-3-17", "ongoing", "--date", "2024-01-02", "--evidence", URL).exit_code == 0
    # The entry of the first check, the verdict of the write and its index patch (write-through).
    assert cache.clear() == 3
    assert not cache.verdict_path(data_dir).exists() and not cache.index_path(data_dir).exists()


def _no_hashing(monkeypatch) -> None:
    monkeypatch.setattr(fingerprint, "digest_file", lambda *a, **k: pytest.fail("the file was hashed"))


def test_a_settled_file_is_not_read_again_while_its_stat_is_unchanged(data_dir, monkeypatch):
    """A digest is remembered with the file's inode, size, mtime and ctime (`SETTLED_NS` after its
    last change) and taken again without reading the file; any write moves the ctime."""
    monkeypatch.setattr(fingerprint, "SETTLED_NS", 0)  # the files were written just now
    first = fingerprint.folder_fingerprint(data_dir)
    with monkeypatch.context() as m:
        _no_hashing(m)
        assert fingerprint.folder_fingerprint(data_dir) == first
    path = data_dir / COMMITMENTS_FILE
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("status: open", "status: done", 1), encoding="utf-8")  # same size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the mtime put back
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    again = fingerprint.folder_fingerprint(data_dir)
    assert again != first and again[-2][3] != first[-2][3]  # hashed again: another digest


def test_a_file_changed_lately_is_always_hashed(data_dir, monkeypatch):
    fingerprint.folder_fingerprint(data_dir)  # the copy was written just now: not settled
    with monkeypatch.context() as m:
        _no_hashing(m)
        with pytest.raises(pytest.fail.Exception):
            fingerprint.folder_fingerprint(data_dir)


def test_a_damaged_digest_memo_is_ignored(data_dir, monkeypatch):
    monkeypatch.setattr(fingerprint, "SETTLED_NS", 0)
    first = fingerprint.folder_fingerprint(data_dir)
    for damaged in (b"\x80\x05not a pickle", pickle.dumps(["not", "a", "dict"])):
        fingerprint._memo_path().write_bytes(damaged)
        fingerprint._read_memo.clear()  # as a new process reads it
        assert fingerprint.folder_fingerprint(data_dir) == first


def test_another_language_reuses_every_record(data_dir, monkeypatch):
    """The reader's language is not part of the key: with no warnings a reader of another
    language is answered from the entry; with warnings (they are in the language they were
    written in) the folder is read again, every record reused, and the warnings said anew."""
    from bbtrack.core import i18n
    from bbtrack.load import loader

    composed = []
    real = loader.compose
    monkeypatch.setattr(loader, "compose", lambda text, *a, **k: composed.append(text) or real(text, *a, **k))
    i18n.set_language("vi")
    load(data_dir)
    composed.clear()
    i18n.set_language("zh")
    load(data_dir)
    assert composed == []  # no warning in the data: a hit
    path = data_dir / COMMITMENTS_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    due_source: programme\n", "", 1), encoding="utf-8")  # a warning
    vi = (i18n.set_language("vi"), load(data_dir))[1]
    composed.clear()
    zh = (i18n.set_language("zh"), load(data_dir))[1]
    assert [p.code for p in vi.problems] == [p.code for p in zh.problems] == ["due-source"]
    assert zh.problems[0].message != vi.problems[0].message and "due_source" in zh.problems[0].message
    assert all(not t.lstrip().startswith("- id:") for t in composed)  # headers only: no record composed
    assert load(data_dir).problems == zh.problems  # and that is cached now
    i18n.set_language("en")
