"""`python -m bench`: time bbtrack's commands as whole processes and print medians.

    uv run python -m bench                       # 1k, 10k, 100k records, 5 runs each
    uv run python -m bench --quick               # 1k only, 3 runs: a smoke run
    uv run python -m bench --sizes 1000,10000 --repeat 9 --json results.json

Every figure is the median wall time of whole processes (start-up included),
next to the floor (`python -c pass`), the Typer import every bbtrack command
pays (`python -c "import typer"`, the ratio base) and, when `task` is on PATH,
Taskwarrior listing the same number of items. Children run with bytecode
caching on, as an installed tool does (`PYTHONPYCACHEPREFIX` in the temp
folder; `--no-pyc` turns it off), and with their own parse-cache folder.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from . import datasets
from .runner import Sample, peak_rss_kb, run_piped, run_pty

ROOT = datasets.ROOT
TARGETS = {  # (label, numerator key, denominator key, at most)
    "help": ("bbtrack --help", "startup/help", "startup/typer", 1.15),
    "list": ('list --province "Lạng Sơn" (shipped data, piped)', "startup/list-province", "startup/typer", 1.15),
    "pty": ('list --province "Lạng Sơn" (shipped data, pty)', "startup/list-province-pty", "startup/typer", 1.6),
}
# Targets at scale (issues 7 and 21): records -> (time, peak memory) of a warm `list --province`
# as ratios to Taskwarrior in the same run; the JSON and CSV lists' ratio; seconds for `status set`,
# the first `list` after it and after an outside edit of ten records; the cold parse's peak memory
# in MB. Other sizes print their figures without a target.
SCALE_TARGETS = {10_000: (0.5, None), 100_000: (0.2, 0.5)}
FORMAT_TARGETS = {10_000: 0.5, 100_000: 0.5}
EDIT_TARGETS = {100_000: 0.5}
AFTER_WRITE_TARGETS = {100_000: 1.0}
AFTER_OUTSIDE_EDIT_TARGETS = {100_000: 2.0}
COLD_MEMORY_TARGETS = {100_000: 1024}
OUTSIDE_EDITS = 10  # records changed behind bbtrack's back (a `git pull`)


@dataclass
class Result:
    group: str
    name: str
    command: str
    mode: str  # piped | pty
    cache: str  # warm | cold | - (no data read through the cache)
    samples: list[Sample] = field(default_factory=list)
    rss_kb: int = 0  # peak resident memory of one run (GNU time), 0 = use the samples' wait4 figure
    rss_exact: bool = False

    @property
    def key(self) -> str:
        return f"{self.group}/{self.name}"

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def best(self) -> float:
        return min(s.seconds for s in self.samples)

    @property
    def maxrss_mb(self) -> float:
        return (self.rss_kb or max(s.maxrss_kb for s in self.samples)) / 1024

    @property
    def out_kb(self) -> float:
        return statistics.median(s.out_bytes for s in self.samples) / 1024


@dataclass
class Job:
    name: str
    argv: list[str]
    cache: str = "-"
    mode: str = "piped"
    cwd: str | None = None
    env: dict[str, str] | None = None
    before: Callable[[], None] | None = None  # untimed set-up before each run (copy, cache wipe)
    label: str = ""


class Bench:
    def __init__(self, work: Path, args: argparse.Namespace) -> None:
        self.work = work
        self.args = args
        self.results: list[Result] = []
        self.meta: dict = {"machine": _machine(), "sizes": args.sizes, "repeat": args.repeat, "pyc": not args.no_pyc}
        self.misses = 0  # warm runs found to be cache misses and run again
        self.env = self._env()
        self.bbtrack = self._bbtrack_argv()
        self.meta["bbtrack"] = self.bbtrack
        self.task = shutil.which("task") if not args.no_task else None

    # --- environment --------------------------------------------------------------

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        for name in ("BBTRACK_DATA", "BBTRACK_LANG", "NO_COLOR", "FORCE_COLOR", "PYTHONPROFILEIMPORTTIME",
                     "PYTHONSTARTUP", "PYTHONDEVMODE", "PYTHONTRACEMALLOC", "PYTHONPYCACHEPREFIX", "BBTRACK_DEBUG"):
            env.pop(name, None)
        if self.args.no_pyc:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        else:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(self.work / "pycache")
        env["XDG_CACHE_HOME"] = str(self.work / "xdg-cache")
        env["LC_ALL"] = env["LANG"] = "C.UTF-8"
        return env

    def _bbtrack_argv(self) -> list[str]:
        script = Path(sys.executable).parent / "bbtrack"
        return [str(script)] if script.is_file() else [sys.executable, "-m", "bbtrack"]

    def bb(self, *args: str) -> list[str]:
        """The console script as a user runs it: no patching, no `python -c`."""
        return [*self.bbtrack, *args]

    def entry_of(self, folder: Path) -> Path:
        """The parse-cache entry the children keep for `folder`."""
        from bbtrack.load import cache

        saved = os.environ.get("XDG_CACHE_HOME")
        os.environ["XDG_CACHE_HOME"] = self.env["XDG_CACHE_HOME"]
        try:
            return cache.entry_path(folder)
        finally:
            if saved is None:
                del os.environ["XDG_CACHE_HOME"]
            else:
                os.environ["XDG_CACHE_HOME"] = saved

    def wipe_cache(self) -> None:
        shutil.rmtree(self.work / "xdg-cache" / "bbtrack", ignore_errors=True)

    # --- running ------------------------------------------------------------------

    def run_group(self, group: str, jobs: Sequence[Job], repeat: int) -> None:
        """Warm up each job once, then `repeat` rounds over all jobs (interleaved against drift)."""
        results = {job.name: Result(group, job.name, job.label or " ".join(job.argv), job.mode, job.cache)
                   for job in jobs}
        for job in jobs:
            self._once(job, check=False)
        for _ in range(repeat):
            for job in jobs:
                results[job.name].samples.append(self._once(job))
        for job in jobs:  # one more run for memory, outside the timed ones (a warm one that missed: again)
            r = results[job.name]
            for _ in range(3):
                if job.before:
                    job.before()
                before = self._cache_state()
                r.rss_kb, r.rss_exact = peak_rss_kb(job.argv, job.env or self.env, job.cwd or str(ROOT),
                                                    tty=job.mode == "pty")
                if job.cache != "warm" or self._cache_state() == before:
                    break
        for job in jobs:
            self.results.append(results[job.name])
            self.progress(results[job.name])

    def _cache_state(self) -> dict[str, int]:
        folder = self.work / "xdg-cache" / "bbtrack"
        try:
            return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
        except OSError:
            return {}

    def _once(self, job: Job, *, check: bool = True) -> Sample:
        runner = run_pty if job.mode == "pty" else run_piped
        for _ in range(3):
            if job.before:
                job.before()
            before = self._cache_state()
            sample = runner(job.argv, job.env or self.env, job.cwd or str(ROOT))
            if sample.returncode != 0:
                raise SystemExit(f"bench: {' '.join(job.argv)} exited {sample.returncode}:\n{sample.stderr[-2000:]}")
            # A warm run that rewrote the cache was a miss (e.g. bbtrack's code changed under the
            # bench: the fingerprint covers it): not a warm sample, run it again.
            if not check or job.cache != "warm" or self._cache_state() == before:
                return sample
            self.misses += 1
        return sample

    def progress(self, r: Result) -> None:
        print(f"  {r.group:>8} {r.name:<22} {r.median * 1000:9.1f} ms", file=sys.stderr, flush=True)

    # --- groups -------------------------------------------------------------------

    def startup(self) -> None:
        py = sys.executable
        repeat = startup_runs(self.args.repeat)
        jobs = [
            Job("python-pass", [py, "-c", "pass"], label="python -c pass"),
            Job("typer", [py, "-c", "import typer"], label='python -c "import typer"'),
            Job("help", self.bb("--help"), label="bbtrack --help"),
            Job("version", self.bb("--version"), label="bbtrack --version"),
            Job("list-province", self.bb("list", "--province", datasets.PROVINCE), cache="warm",
                label='bbtrack list --province "Lạng Sơn"'),
            Job("list-province-pty", self.bb("list", "--province", datasets.PROVINCE), cache="warm", mode="pty",
                label='bbtrack list --province "Lạng Sơn"'),
            Job("list-pty", self.bb("list"), cache="warm", mode="pty", label="bbtrack list"),
            Job("list-json", self.bb("list", "--format", "json"), cache="warm", label="bbtrack list --format json"),
            Job("list-no-cache", self.bb("--no-cache", "list", "--province", datasets.PROVINCE), cache="none",
                label='bbtrack --no-cache list --province "Lạng Sơn"'),
            Job("check", self.bb("check"), cache="warm", label="bbtrack check"),
            Job("show", self.bb("show", datasets.SHOW_ID), cache="warm", label=f"bbtrack show {datasets.SHOW_ID}"),
            Job("summary", self.bb("summary"), cache="warm", label="bbtrack summary"),
        ]
        print(f"start-up: shipped data, {repeat} runs", file=sys.stderr)
        self.run_group("startup", jobs, repeat)

    def sized(self, size: int) -> None:
        folder = self.work / f"data-{size}"
        print(f"{size} records: building", file=sys.stderr, flush=True)
        ds = datasets.build(folder, size, taskwarrior=bool(self.task))
        d = str(folder)
        group = _size_label(size)
        repeat = self.args.repeat
        commands = {
            "list": ("list",),
            "list-province": ("list", "--province", datasets.PROVINCE),
            "list-json": ("list", "--format", "json"),
            "list-csv": ("list", "--format", "csv"),
            "check": ("check",),
            "show": ("show", datasets.SHOW_ID),
            "summary": ("summary",),
        }
        warm = [Job(name, self.bb("--data-dir", d, *args), cache="warm",
                    label="bbtrack " + " ".join(_q(a) for a in args)) for name, args in commands.items()]
        if self.task:
            warm.append(self._task_job(size, ds))
        print(f"{size} records: warm, {repeat} runs", file=sys.stderr, flush=True)
        self.run_group(group, warm, repeat)

        cold_names = list(commands) if size <= self.args.cold_all_max else ["list-province"]
        cold_repeat = repeat if size <= self.args.cold_all_max else min(repeat, 3)
        cold = [Job(f"{name} (cold)", self.bb("--data-dir", d, *commands[name]), cache="cold",
                    before=self.wipe_cache, label="bbtrack " + " ".join(_q(a) for a in commands[name]))
                for name in cold_names]
        print(f"{size} records: cold, {cold_repeat} runs", file=sys.stderr, flush=True)
        self.run_group(group, cold, cold_repeat)

        copy = self.work / f"edit-{size}"

        def fresh_copy() -> None:
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(folder, copy)

        set_args = ("status", "set", ds.status_target, "done", "--date", "2025-03-01", "--evidence",
                    "https://example.org/bench", "--note", "Lễ khai trương đã được tổ chức (bench)", "--by", "bench")
        edit = Job("status set", self.bb("--data-dir", str(copy), *set_args),
                   before=fresh_copy, label=f"bbtrack status set {ds.status_target} done --evidence ... (copy)")
        print(f"{size} records: status set, {cold_repeat} runs", file=sys.stderr, flush=True)
        self.run_group(group, [edit], cold_repeat)

        # The first `list` after a write, and after an outside edit: each run starts from the copy
        # as it was (copied with its mtimes) and the cache entry of that state, untimed.
        fresh_copy()
        subprocess.run(self.bb("--data-dir", str(copy), "list", "--limit", "1"), env=self.env, check=True,
                       stdout=subprocess.DEVNULL)
        entry = self.entry_of(copy)
        saved_entry = self.work / f"entry-{size}"
        shutil.copyfile(entry, saved_entry)

        def restored() -> None:
            fresh_copy()
            shutil.copyfile(saved_entry, entry)
            entry.with_suffix(".clean").unlink(missing_ok=True)
            entry.with_suffix(".index").unlink(missing_ok=True)  # a patch the last run's write left

        def after_write() -> None:
            restored()
            subprocess.run(self.bb("--data-dir", str(copy), *set_args), env=self.env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def after_outside_edit() -> None:
            restored()
            datasets.edit_outside(copy / "commitments.yaml", OUTSIDE_EDITS)

        listing = ("list", "--province", datasets.PROVINCE)
        after = [Job("list after set", self.bb("--data-dir", str(copy), *listing), before=after_write,
                     label='list --province "Lạng Sơn" after status set'),
                 Job("list after edit", self.bb("--data-dir", str(copy), *listing), before=after_outside_edit,
                     label=f'list --province "Lạng Sơn" after {OUTSIDE_EDITS} outside edits')]
        print(f"{size} records: list after a write / an outside edit, {cold_repeat} runs", file=sys.stderr, flush=True)
        self.run_group(group, after, cold_repeat)
        saved_entry.unlink()
        shutil.rmtree(copy, ignore_errors=True)
        self.meta.setdefault("datasets", {})[str(size)] = {
            "commitments_bytes": (folder / "commitments.yaml").stat().st_size,
            "matching_province": ds.matching,
            "status_target": ds.status_target,
        }
        if not self.args.keep:
            shutil.rmtree(folder, ignore_errors=True)

    def _task_job(self, size: int, ds: datasets.Dataset) -> Job:
        home = self.work / f"task-{size}"
        (home / "data").mkdir(parents=True, exist_ok=True)
        rc = home / "taskrc"
        rc.write_text(f"data.location={home / 'data'}\nconfirmation=no\nverbose=nothing\n", encoding="utf-8")
        env = {**self.env, "TASKRC": str(rc), "TASKDATA": str(home / "data")}
        print(f"{size} records: task import", file=sys.stderr, flush=True)
        start = time.perf_counter()
        subprocess.run([self.task, "rc.confirmation=no", "rc.verbose=nothing", "import", str(ds.task_json)],
                       env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.meta.setdefault("task_import_s", {})[str(size)] = round(time.perf_counter() - start, 2)
        return Job("task", [self.task, "rc.confirmation=no", "rc.verbose=nothing", f"project:{datasets.TASK_PROJECT}",
                            "list"], env=env, cwd=str(home), label=f"task project:{datasets.TASK_PROJECT} list")

    # --- report -------------------------------------------------------------------

    def report(self) -> str:
        by_key = {r.key: r for r in self.results}
        base = by_key["startup/typer"].median
        lines = []
        head = (f"{'group':<8} {'command':<46} {'mode':<5} {'cache':<5} {'median ms':>10} {'min ms':>9} "
                f"{'×typer':>7} {'×task':>6} {'peak MB':>8} {'out KB':>8}")
        lines += [head, "-" * len(head)]
        previous = None
        for r in self.results:
            if previous and previous != r.group:
                lines.append("")
            previous = r.group
            task = by_key.get(f"{r.group}/task")
            vs_task = (f"{r.median / task.median:6.2f}" if task and r.name.startswith("list-province") and r.cache == "warm"
                       else "")
            memory = f"{r.maxrss_mb:8.1f}" if r.rss_exact else f"≤{r.maxrss_mb:7.1f}"
            lines.append(f"{r.group:<8} {r.command[:46]:<46} {r.mode:<5} {r.cache:<5} {r.median * 1000:10.1f} "
                         f"{r.best * 1000:9.1f} {r.median / base:7.2f} {vs_task:>6} {memory} {r.out_kb:8.1f}")
        lines.append("")
        lines.append("targets (ratio of medians in this run; ratio of minimums, less sensitive to a busy machine, after it):")
        for label, num, den, limit in TARGETS.values():
            if num in by_key and den in by_key:
                ratio = by_key[num].median / by_key[den].median
                best = by_key[num].best / by_key[den].best
                lines.append(_target_line(label, ratio, limit, best))
        for size in self.args.sizes:
            g = _size_label(size)
            mine, theirs = by_key.get(f"{g}/list-province"), by_key.get(f"{g}/task")
            time_limit, memory_limit = SCALE_TARGETS.get(size, (None, None))
            if mine and theirs:
                label = f"{g} warm list --province vs task project:X list"
                lines.append(_target_line(label, mine.median / theirs.median, time_limit, mine.best / theirs.best))
                if memory_limit is not None:
                    lines.append(_target_line(f"{g} same, peak memory", mine.maxrss_mb / theirs.maxrss_mb,
                                              memory_limit))
            for name in ("list-json", "list-csv"):
                mine = by_key.get(f"{g}/{name}")
                if mine and theirs:
                    lines.append(_target_line(f"{g} warm list --format {name[5:]} vs task list",
                                              mine.median / theirs.median, FORMAT_TARGETS.get(size),
                                              mine.best / theirs.best))
            for name, label, targets in (("status set", "status set", EDIT_TARGETS),
                                         ("list after set", "first list after status set", AFTER_WRITE_TARGETS),
                                         ("list after edit", f"first list after {OUTSIDE_EDITS} outside edits",
                                          AFTER_OUTSIDE_EDIT_TARGETS)):
                r = by_key.get(f"{g}/{name}")
                if r:
                    limit = targets.get(size)
                    bound = f"(≤ {limit} s)" if limit else "(no target)"
                    verdict = "" if limit is None else "ok" if r.median <= limit else "MISSED"
                    lines.append(f"  {g + ' ' + label:<52} {r.median:6.3f} s  {bound:<11}  {verdict:<6}  "
                                 f"min {r.best:5.3f} s")
            cold = by_key.get(f"{g}/list-province (cold)")
            if cold:
                limit = COLD_MEMORY_TARGETS.get(size)
                bound = f"(≤ {limit} MB)" if limit else "(no target)"
                verdict = "" if limit is None else "ok" if cold.maxrss_mb <= limit else "MISSED"
                lines.append(f"  {g + ' cold parse: time, peak memory':<52} {cold.median:6.1f} s, "
                             f"{cold.maxrss_mb:.0f} MB  {bound}  {verdict}")
        return "\n".join(lines)


def _target_line(label: str, ratio: float, limit: float | None, best: float | None = None) -> str:
    verdict = "" if limit is None else "ok" if ratio <= limit else "MISSED"
    bound = "(no target)" if limit is None else f"(≤ {limit}×)"
    tail = f"  min {best:5.3f}×" if best is not None else ""
    return f"  {label:<52} {ratio:6.3f}×  {bound:<11}  {verdict:<6}{tail}".rstrip()


def startup_runs(repeat: int) -> int:
    """Start-up commands take ~0.1 s: four times the rounds, at least ten, steady their medians."""
    return max(repeat * 4, 10)


def _q(arg: str) -> str:
    return f'"{arg}"' if " " in arg else arg


def _size_label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="1000,10000,100000",
                   help="comma-separated numbers of commitments [default: 1000,10000,100000]")
    p.add_argument("--repeat", type=int, default=5, help="timed runs per command (start-up: 4× this) [default: 5]")
    p.add_argument("--quick", action="store_true", help="smoke run: 1000 records, 3 runs")
    p.add_argument("--cold-all-max", type=int, default=10000,
                   help="above this size only `list --province` is timed cold (parsing dominates) [default: 10000]")
    p.add_argument("--no-task", action="store_true", help="skip Taskwarrior even if `task` is on PATH")
    p.add_argument("--no-pyc", action="store_true", help="children run without bytecode caching")
    p.add_argument("--keep", action="store_true", help="keep the temp folder and print its path")
    p.add_argument("--json", type=Path, help="also write the raw samples here")
    args = p.parse_args(argv)
    if args.quick:
        args.sizes, args.repeat = "1000", min(args.repeat, 3)
    args.sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if args.repeat < 1:
        p.error("--repeat must be ≥ 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bbtrack-bench-"))
    bench = Bench(work, args)
    if bench.task:
        version = subprocess.run([bench.task, "--version"], capture_output=True, text=True).stdout.strip()
        bench.meta["task"] = f"{bench.task} {version}"
    else:
        print("bench: `task` (Taskwarrior) not on PATH: no comparison (apt-get install taskwarrior)", file=sys.stderr)
    try:
        bench.startup()
        for size in args.sizes:
            bench.sized(size)
    finally:
        if args.keep:
            print(f"bench: kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if bench.misses:
        print(f"bench: {bench.misses} warm run(s) were cache misses (code or data changed under the bench); re-run",
              file=sys.stderr)
    print(f"machine: {bench.meta['machine']}")
    print(f"bbtrack: {' '.join(bench.bbtrack)}; task: {bench.meta.get('task', 'not found')}; "
          f"bytecode cache: {'on' if not args.no_pyc else 'off'}; runs: start-up {startup_runs(args.repeat)}, "
          f"warm {args.repeat}")
    for size, info in bench.meta.get("datasets", {}).items():
        print(f"data {size}: commitments.yaml {info['commitments_bytes'] / 2**20:.1f} MB, "
              f"{info['matching_province']} records name {datasets.PROVINCE}")
    print()
    print(bench.report())
    if args.json:
        args.json.write_text(json.dumps({"meta": bench.meta, "results": [
            {**{k: v for k, v in asdict(r).items() if k != "samples"}, "median_s": r.median, "min_s": r.best,
             "maxrss_mb": r.maxrss_mb, "samples": [asdict(s) | {"stderr": s.stderr[-200:]} for s in r.samples]}
            for r in bench.results]}, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
