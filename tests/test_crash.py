"""A writer killed with SIGKILL at random points never leaves a torn file.

A child process calls `edit.set_status` in a loop on a ~250 kB commitments
file, appending one same-status event per write ("event-000017"); the parent
kills it after a random delay. After every kill the file must be byte-equal
to the original with exactly k events appended (k = the events in it, never
fewer than before), the next writer must not be blocked by the dead one's
lock, and a temp file the dead writer left must be gone after the next write.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BASE = Path(__file__).resolve().parent / "bad_inputs" / "base"
RECORD = "SM23-3-02"
REPETITIONS = 120
BUDGET = 55.0  # seconds for the whole loop; fewer repetitions are an error below 100

CHILD = r"""
import datetime as dt, sys
from pathlib import Path
from bbtrack.core.dates import PartialDate
from bbtrack.write.edit import Change, set_status

data, number = Path(sys.argv[1]), int(sys.argv[2])
print("ready", flush=True)
while True:
    change = Change(record_id=sys.argv[3], to="open", date=PartialDate(2024, 1, 1), note=f"event-{number:06d}",
                    evidence=("https://example.org/e",), by="crash-test")
    set_status(data, change, today=dt.date(2025, 1, 1))
    print(number, flush=True)
    number += 1
"""


def _change(number: int):
    from bbtrack.core.dates import PartialDate
    from bbtrack.write.edit import Change

    return Change(record_id=RECORD, to="open", date=PartialDate(2024, 1, 1), note=f"event-{number:06d}",
                  evidence=("https://example.org/e",), by="crash-test")


def _large_folder(folder: Path, extra: int = 320) -> None:
    """The corpus base plus `extra` valid records after the edited one (~250 kB)."""
    shutil.copytree(BASE, folder)
    path = folder / "commitments.yaml"
    text = path.read_text(encoding="utf-8")
    template = text[text.index("  - id: SM23-4-01"):]
    records = "".join(template.replace("SM23-4-01", f"SM23-6-{n:03d}").replace("section: 4", "section: 6")
                      for n in range(1, extra + 1))
    path.write_text(text + records, encoding="utf-8")


class Versions:
    """Every text the file may legally hold: the original plus k appended events.

    Built from two real edits (the first turns `history: []` into a block
    list, the second shows the block every later event adds), checked
    against a third, then extended by string assembly: O(1) edits per k.
    """

    def __init__(self, folder: Path) -> None:
        from bbtrack.write import edit

        scratch = folder.parent / "scratch"
        shutil.copytree(folder, scratch)
        self.original = (folder / "commitments.yaml").read_text(encoding="utf-8")
        texts = [self.original]
        for number in range(3):
            texts.append(edit.set_status(scratch, _change(number), today=dt.date(2025, 1, 1)).new_text)
        shutil.rmtree(scratch)
        one, two = texts[1], texts[2]
        grown = len(two) - len(one)
        at = os.path.commonprefix([one, two]).__len__()
        at = one.rfind("\n", 0, at) + 1
        assert two[:at] == one[:at] and two[at + grown:] == one[at:]
        self.head, self.tail, self.block = one[:at], one[at:], two[at:at + grown]
        assert "event-000001" in self.block
        assert self.text(3) == texts[3], "the assembled versions match real edits"

    def text(self, k: int) -> str:
        if k == 0:
            return self.original
        blocks = "".join(self.block.replace("event-000001", f"event-{n:06d}") for n in range(1, k))
        return self.head + blocks + self.tail


def _temps(folder: Path) -> set[str]:
    return {p.name for p in folder.glob(".commitments.yaml.*.tmp")}


@pytest.mark.slow
def test_sigkill_at_random_points_never_tears_the_file(tmp_path):
    from bbtrack.load.loader import parse_folder

    folder = tmp_path / "data"
    _large_folder(folder)
    assert not parse_folder(folder).problems
    versions = Versions(folder)
    path = folder / "commitments.yaml"
    rng = random.Random(8)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    k = 0
    left_temps: set[str] = set()
    stats = {"repetitions": 0, "kills_leaving_a_temp": 0, "writes": 0, "first_write_max": 0.0}
    started = time.monotonic()
    for repetition in range(REPETITIONS):
        if time.monotonic() - started > BUDGET:
            break
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(folder), str(k), RECORD],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert child.stdout.readline() == "ready\n", child.stderr.read()
        begun = time.monotonic()
        first = child.stdout.readline()  # the dead writer's lock and temp file do not block this one
        assert first.strip() == str(k), (first, child.stderr.read() if not first else "")
        stats["first_write_max"] = max(stats["first_write_max"], time.monotonic() - begun)
        assert not left_temps & _temps(folder), "the next write removed the dead writer's temp file"
        time.sleep(rng.uniform(0, 0.12))
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert child.returncode == -signal.SIGKILL
        text = path.read_bytes().decode("utf-8")
        found = text.count("note: event-")
        assert found > k, "at least the confirmed write is there"
        assert text == versions.text(found), f"repetition {repetition}: the file is not a whole version"
        stats["writes"] += found - k
        k = found
        left_temps = _temps(folder)
        stats["kills_leaving_a_temp"] += bool(left_temps)
        stats["repetitions"] = repetition + 1
        if repetition % 20 == 0:
            result = parse_folder(folder)
            assert not result.problems, result.problems[:3]
    elapsed = time.monotonic() - started
    print(f"\ncrash test: {stats['repetitions']} SIGKILLs in {elapsed:.1f} s, {stats['writes']} writes "
          f"survived whole, {stats['kills_leaving_a_temp']} kills left a temp file, "
          f"first write after a kill took at most {stats['first_write_max'] * 1000:.0f} ms")
    assert stats["repetitions"] >= 100, f"only {stats['repetitions']} repetitions in {BUDGET} s"
    result = parse_folder(folder)
    assert not result.problems
    history = next(c for c in result.dataset.commitments if c.id == RECORD).history
    assert [h.note for h in history] == [f"event-{n:06d}" for n in range(k)]
    # One more ordinary write cleans any temp file the last kill left.
    from bbtrack.write import edit

    edit.set_status(folder, _change(k), today=dt.date(2025, 1, 1))
    assert not _temps(folder)


def test_stale_temp_files_and_lock_file_do_not_block_or_survive_a_write(tmp_path):
    from bbtrack.write import edit
    from bbtrack.write import storage

    folder = tmp_path / "data"
    shutil.copytree(BASE, folder)
    stale = [folder / ".commitments.yaml.abc123.tmp", folder / ".commitments.yaml.x_Y9.tmp"]
    for path in stale:
        path.write_bytes(b"half a file")
    keep = [folder / ".commitments.yaml.tmp.bak", folder / "notes.tmp", folder / ".crossings.yaml.abc.tmp"]
    for path in keep:
        path.write_bytes(b"not ours")
    (folder / storage.LOCK_NAME).write_bytes(b"")  # left by a dead writer: flock died with it
    started = time.monotonic()
    edit.set_status(folder, _change(0), today=dt.date(2025, 1, 1))
    assert time.monotonic() - started < 2
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in keep), "only this file's temp files are removed"


def test_a_failed_write_leaves_no_temp_file_and_the_old_bytes(tmp_path, monkeypatch):
    from bbtrack.write import edit
    from bbtrack.write import storage
    from bbtrack.core.errors import DataError

    folder = tmp_path / "data"
    shutil.copytree(BASE, folder)
    before = (folder / "commitments.yaml").read_bytes()

    def fail(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", fail)
    with pytest.raises(DataError, match="No space left on device; nothing written"):
        edit.set_status(folder, _change(0), today=dt.date(2025, 1, 1))
    assert (folder / "commitments.yaml").read_bytes() == before
    assert not _temps(folder)
