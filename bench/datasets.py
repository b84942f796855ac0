"""Synthetic data folders of any size, built from the shipped records.

Each synthetic commitment is a real record's YAML block copied verbatim —
Vietnamese titles, the verbatim quote (so `check` still finds it in the
minutes), parties, crossings, due dates, comments and the whole status
history — under a fresh id in the same section. The field mix, the share of
records per province and the history lengths are therefore those of the real
data, and the folder passes `bbtrack check`. The first records are the
shipped ones unchanged, so `show SM23-3-17` works at every size.

The same records are written as Taskwarrior tasks for `task import`, one task
per commitment, so both tools list the same number of rows.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data"
PROVINCE = "Lạng Sơn"  # the province every `list --province` run asks for
TASK_PROJECT = "LangSon"  # its Taskwarrior project (project names are one word)
SHOW_ID = "SM23-3-17"

_ID_LINE = re.compile(r"^  - id: (SM23-(\d+)-(\d+))\s*$")


@dataclass(frozen=True)
class Block:
    """One commitment of the shipped file, as text and as the fields the bench needs."""

    id: str
    section: int
    number: int
    lines: tuple[str, ...]  # the block, first line `  - id: ...`
    parties: tuple[str, ...]
    status: str
    title_vi: str
    due: str | None
    notes: tuple[tuple[str, str], ...]  # (date, note) of each history entry


@dataclass(frozen=True)
class Dataset:
    matching: int  # records whose parties include PROVINCE
    status_target: str  # an open record near the end: what `status set` changes
    task_json: Path | None = None


def _field(lines: tuple[str, ...], key: str) -> str | None:
    prefix = f"    {key}: "
    for line in lines:
        if line.startswith(prefix):
            return line[len(prefix):].strip()
    return None


def _unquote(value: str | None) -> str | None:
    if value is None or value == "null":
        return None
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def read_blocks(path: Path = SHIPPED / "commitments.yaml") -> tuple[list[str], list[Block]]:
    """(header lines up to and including `commitments:`, the commitment blocks)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("commitments:") + 1
    header = lines[:start]
    blocks: list[Block] = []
    current: list[str] | None = None

    def close() -> None:
        if current:
            while current and not current[-1].strip():
                current.pop()
            m = _ID_LINE.match(current[0])
            assert m, current[0]
            block = tuple(current)
            notes = []
            date = None
            for line in block:
                s = line.strip()
                if s.startswith("- date: "):
                    date = s[len("- date: "):].strip('"')
                elif s.startswith("note: ") and date:
                    notes.append((date, _unquote(s[len("note: "):]) or ""))
            parties = tuple(p.strip() for p in (_field(block, "parties") or "[]").strip("[]").split(",") if p.strip())
            blocks.append(Block(m.group(1), int(m.group(2)), int(m.group(3)), block, parties,
                                _field(block, "status") or "open", _unquote(_field(block, "title_vi")) or "",
                                _unquote(_field(block, "due")), tuple(notes)))

    for line in lines[start:]:
        if _ID_LINE.match(line):
            close()
            current = [line]
        elif line.startswith("  #") or not line.strip():
            close()
            current = None
        elif current is not None:
            current.append(line)
    close()
    return header, blocks


def build(folder: Path, size: int, *, taskwarrior: bool = False) -> Dataset:
    """A data folder with `size` commitments (and, if asked, the matching tasks as JSON)."""
    header, blocks = read_blocks()
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(SHIPPED / "crossings.yaml", folder / "crossings.yaml")
    shutil.copytree(SHIPPED / "minutes", folder / "minutes", dirs_exist_ok=True)
    next_number = {}
    for b in blocks:
        next_number[b.section] = max(next_number.get(b.section, 0), b.number + 1)

    out = list(header)
    chosen: list[tuple[str, Block]] = []
    for i in range(size):
        template = blocks[i % len(blocks)]
        if i < len(blocks):
            record_id = template.id
            out.extend(template.lines)
        else:
            number = next_number[template.section]
            next_number[template.section] = number + 1
            record_id = f"SM23-{template.section}-{number:02d}"
            out.append(f"  - id: {record_id}")
            out.extend(template.lines[1:])
        chosen.append((record_id, template))
    (folder / "commitments.yaml").write_text("\n".join(out) + "\n", encoding="utf-8")

    # `status set` target: the last open deliverable with no history yet (any date is after its
    # last event), so a text scan walks nearly the whole file.
    target = next(rid for rid, b in reversed(chosen)
                  if b.status == "open" and "    kind: deliverable" in b.lines and "    history: []" in b.lines)
    matching = sum(PROVINCE in b.parties for _, b in chosen)
    task_json = None
    if taskwarrior:
        task_json = folder.parent / f"{folder.name}-tasks.json"
        write_tasks(task_json, chosen)
    return Dataset(matching, target, task_json)


def _tw_date(value: str) -> str:
    parts = (value.split("-") + ["1", "1"])[:3]  # callers pass a date, never ""
    year, month, day = (int(p) for p in parts)
    if len(value.split("-")) == 1:
        month, day = 12, 31  # a year-only due date: the end of the year, as bbtrack reads it
    return f"{year:04d}{month:02d}{day:02d}T000000Z"


def write_tasks(path: Path, chosen: list[tuple[str, Block]]) -> None:
    """One pending task per commitment: description, project, due, history notes as annotations.

    Every task is pending (Taskwarrior's `list` shows only pending tasks): the
    project is `LangSon` exactly when the record names Lạng Sơn, so
    `task project:LangSon list` prints as many tasks as `bbtrack list
    --province "Lạng Sơn"` prints rows.
    """
    tasks = []
    for record_id, block in chosen:
        others = [p for p in block.parties if p != PROVINCE]
        project = TASK_PROJECT if PROVINCE in block.parties else re.sub(r"\W", "", (others or ["Other"])[0])
        task = {
            "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"bbtrack-bench:{record_id}")),
            "description": f"{record_id} {block.title_vi}",
            "project": project,
            "status": "pending",
            "entry": "20230222T000000Z",
        }
        if block.due:
            task["due"] = _tw_date(block.due)
        if block.notes:
            task["annotations"] = [{"entry": _tw_date(d), "description": n} for d, n in block.notes]
        tasks.append(task)
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")


def edit_outside(path: Path, count: int) -> None:
    """Change `count` records spread over the file as a `git pull` might: a new English
    title and a comment line above it (so every later record's lines shift)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    titles = [i for i, line in enumerate(lines) if line.startswith("    title_en: ")
              and not line.startswith('    title_en: "')]
    step = max(1, len(titles) // count)
    for i in reversed(titles[step // 2::step][:count]):
        lines[i] = lines[i].replace("title_en: ", "title_en: Revised ")
        lines.insert(i, "    # revised upstream")
    path.write_text("\n".join(lines), encoding="utf-8")
