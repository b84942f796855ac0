"""Many real `bbtrack status set` processes at once: no edit is lost.

The writer lock (`<data>/.bbtrack.lock`, flock) serialises the read–check–
modify–write of every writer; readers never lock and see the old or the new
file (atomic replace). Timings are printed (run with `-s` to see them).
"""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest

from conftest import ENTRY, Cli

N = 16
URL = "https://example.org/concurrency"


def _start_all(commands: list[list[str]]) -> tuple[list[subprocess.CompletedProcess], float, list[float]]:
    """Start every command before waiting for any; (results, wall time, per-process times)."""
    env = {**os.environ, "NO_COLOR": "1"}
    started = time.monotonic()
    procs = [(subprocess.Popen([*ENTRY, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env), time.monotonic()) for args in commands]
    results, times = [], []
    for proc, begun in procs:
        out, err = proc.communicate(timeout=120)
        times.append(time.monotonic() - begun)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return results, time.monotonic() - started, times


def _report(label: str, wall: float, times: list[float]) -> None:
    times = sorted(times)
    print(f"\n{label}: {len(times)} processes, wall {wall:.2f} s, per process "
          f"min {times[0]:.2f} / median {times[len(times) // 2]:.2f} / max {times[-1]:.2f} s")


def _problems(cli: Cli) -> list[tuple[str, str]]:
    """(code, message) of every problem `check` reports (the shipped data may change under others' work)."""
    return sorted((p["code"], p["message"]) for p in json.loads(cli("check", "--format", "json").stdout))


def _ids(cli: Cli, count: int) -> list[str]:
    records = json.loads(cli("list", "--format", "json").stdout)
    return [r["id"] for r in records if r["status"] == "open"][:count]


@pytest.mark.slow
def test_parallel_edits_of_different_records_are_all_kept(data_dir):
    cli = Cli(data_dir)
    ids = _ids(cli, N)
    assert len(ids) == N
    problems = _problems(cli)
    commands = [["--data-dir", str(data_dir), "status", "set", rid, "in_progress", "--date", "today",
                 "-e", f"{URL}/{rid}", "--note", f"parallel edit {n}", "--by", f"writer-{n}"]
                for n, rid in enumerate(ids)]
    results, wall, times = _start_all(commands)
    _report("different ids", wall, times)
    for result in results:
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    records = {r["id"]: r for r in json.loads(cli("list", "--format", "json", "--status", "in_progress").stdout)}
    assert set(records) == set(ids), "every edit is present"
    for n, rid in enumerate(ids):
        shown = json.loads(cli("show", rid, "--format", "json").stdout)
        assert [h["note"] for h in shown["history"]] == [f"parallel edit {n}"]
    assert _problems(cli) == problems, "the edits added no problem"
    assert not list(data_dir.glob(".*.tmp"))


@pytest.mark.slow
def test_parallel_events_on_one_record_are_all_kept(data_dir):
    cli = Cli(data_dir)
    rid = _ids(cli, 1)[0]
    problems = _problems(cli)
    commands = [["--data-dir", str(data_dir), "status", "set", rid, "open", "--date", "today",
                 "-e", f"{URL}/{n}", "--note", f"same-status event {n}", "--by", f"writer-{n}"]
                for n in range(N)]
    results, wall, times = _start_all(commands)
    _report("same id", wall, times)
    for result in results:
        assert result.returncode == 0, result.stderr
    shown = json.loads(cli("show", rid, "--format", "json").stdout)
    notes = [h["note"] for h in shown["history"]]
    assert sorted(notes) == sorted(f"same-status event {n}" for n in range(N)), "all N history entries"
    assert all(h["from"] == "open" and h["to"] == "open" for h in shown["history"])
    assert _problems(cli) == problems, "the file is as valid as before"


@pytest.mark.slow
def test_readers_during_writes_always_see_a_whole_file(data_dir):
    """Readers never lock: the atomic replace means every read parses."""
    cli = Cli(data_dir)
    ids = _ids(cli, N)
    env = {**os.environ, "NO_COLOR": "1"}
    readers = [subprocess.Popen([*ENTRY, "--data-dir", str(data_dir), "--no-cache", "list", "-f", "json"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
               for _ in range(4)]
    writes = [["--data-dir", str(data_dir), "status", "set", rid, "ongoing", "--date", "today",
               "-e", f"{URL}/{rid}", "--by", "w"] for rid in ids]
    more_readers = [["--data-dir", str(data_dir), "--no-cache", "summary"] for _ in range(4)]
    results, wall, times = _start_all(writes + more_readers)
    _report("writers + readers", wall, times)
    for proc in readers:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert len(json.loads(out)) == 48
    for result in results:
        assert result.returncode == 0, result.stderr
    assert len(json.loads(cli("list", "--status", "ongoing", "-f", "json").stdout)) >= N


def test_a_writer_waiting_longer_than_the_lock_timeout_gets_exit_3(data_dir, monkeypatch):
    """Another writer holding the lock: exit 3 (conflict), nothing written, one line."""
    import fcntl

    from bbtrack.write import storage

    monkeypatch.setattr(storage, "LOCK_TIMEOUT", 0.3)
    before = (data_dir / "commitments.yaml").read_bytes()
    fd = os.open(data_dir / storage.LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        result = Cli(data_dir)("--lang", "en", "status", "set", "SM23-3-19", "in_progress", "--date", "today", "-e", URL)
    finally:
        os.close(fd)
    assert result.exit_code == 3, result.output
    assert "another bbtrack is writing" in result.stderr and result.stderr.count("\n") == 1
    assert (data_dir / "commitments.yaml").read_bytes() == before


@pytest.mark.parametrize("edit", ["same size", "longer", "removed"])
@pytest.mark.parametrize("when", ["during the edit", "while the temp file is written"])
def test_a_file_changed_behind_the_lock_is_not_overwritten(tmp_path, monkeypatch, edit, when):
    """An editor save or `git checkout` takes no lock: the last look before the
    rename must notice, even an edit that keeps the file's size."""
    from bbtrack.write import storage
    from bbtrack.core.errors import ConflictError

    path = tmp_path / "commitments.yaml"
    path.write_bytes(b"commitments:\n- id: SM23-1-01\n  status: open\n")
    theirs = {"same size": b"commitments:\n- id: SM23-1-01\n  status: done\n",
              "longer": b"commitments:\n- id: SM23-1-01\n  status: ongoing\n", "removed": None}[edit]

    def other_program() -> None:
        if theirs is None:
            path.unlink()
        else:
            path.write_bytes(theirs)

    def transform(text: str) -> str:
        if when == "during the edit":
            other_program()
        return text.replace("open", "ongoing")

    if when == "while the temp file is written":
        write_all = storage._write_all

        def write_then_interfere(fd: int, payload: bytes) -> None:
            write_all(fd, payload)
            other_program()  # after the stat of the original, before the last look

        monkeypatch.setattr(storage, "_write_all", write_then_interfere)

    with pytest.raises(ConflictError):
        storage.update_file(path, transform)
    assert (path.read_bytes() if path.exists() else None) == theirs
    assert [p.name for p in tmp_path.iterdir() if p.name != storage.LOCK_NAME] == ([path.name] if theirs else [])
