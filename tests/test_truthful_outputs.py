"""What the outputs say is true of the shipped data (issue 17).

A record no event has touched says "no update recorded", never "not implemented";
the report is dated by its latest event, not by the day it is written; the ladder
puts each passage under its own gate, each pair once. All on the shipped data,
through the real CLI (in-process and as a subprocess for the cached `list`).
"""

from __future__ import annotations

import datetime
import os
import re
import subprocess

import pytest
import yaml

from bbtrack.core.vocab import NO_UPDATE_LABELS
from conftest import ENTRY, ROOT
from test_report import TEXT, Dom, as_json, ok

# What the old labels claimed: a record without an event was "not implemented".
CLAIMS = ("chưa triển khai", "not implemented", "not started", "chưa bắt đầu", "chưa thực hiện")


def silent_ids(cli) -> set[str]:
    return {r["id"] for r in as_json(cli("list", "--format", "json")) if r["last_event"] is None}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_record_without_an_event_is_called_not_implemented(shipped_cli, lang):
    silent = silent_ids(shipped_cli)
    assert len(silent) >= 5, "the shipped data has records without any event"
    events = TEXT[lang]["events_all"]
    md = ok(shipped_cli("report", "--format", "markdown", "--lang", lang))
    outputs = [
        ok(shipped_cli("list", "--lang", lang)),
        ok(shipped_cli("list", "-p", "lang son", "--format", "markdown", "--lang", lang)),
        ok(shipped_cli("summary", "--lang", lang)),
        ok(shipped_cli("summary", "--by", "status", "--lang", lang)),
        *(ok(shipped_cli("show", record, "--lang", lang)) for record in sorted(silent)),
        # The report up to its events (whose notes are the data's own words), and each silent record's row.
        *(ok(shipped_cli("report", "--format", fmt, "--lang", lang)).split(events, 1)[0]
          for fmt in ("markdown", "terminal", "html")),
        *(line for line in md.splitlines() if line.split(" | ")[0].strip("| ") in silent),
    ]
    assert len(outputs) > 7 + len(silent)  # a row of each silent record, in a section of its own
    for text in outputs:
        folded = text.lower()
        assert not [claim for claim in CLAIMS if claim in folded]
    label = NO_UPDATE_LABELS[lang]
    table = ok(shipped_cli("list", "--format", "markdown", "--lang", lang)).splitlines()[2:]
    status = {cells[0]: cells[-1] for cells in ([c.strip() for c in line.strip("|").split("|")] for line in table
                                                 if line.startswith("| "))}
    assert {record for record, cell in status.items() if cell.startswith(label)} == silent


def test_summary_counts_no_update_apart_and_says_how_many_are_continuing(shipped_cli):
    listed = as_json(shipped_cli("list", "--format", "json"))
    total = as_json(shipped_cli("summary", "--format", "json"))["total"]
    silent = [r for r in listed if r["last_event"] is None and r["status"] == "open"]
    assert total["no_update"] == len(silent)
    assert total["no_update_continuing"] == sum(r["kind"] == "continuing" for r in silent)
    text = ok(shipped_cli("summary", "--lang", "en"))
    assert f"({total['no_update_continuing']} of {total['no_update']} are continuing duties)" in text
    # By status, they are a row of their own: the "no progress recorded" row holds only open records
    # with an event.
    groups = {g["group"]: g for g in as_json(shipped_cli("summary", "--by", "status", "--format", "json"))["groups"]}
    assert groups["no_update"]["total"] == len(silent)
    assert groups["open"]["total"] == sum(r["status"] == "open" for r in listed) - len(silent) > 0


def test_a_warm_list_shows_the_labels_too(shipped_dir, tmp_path):
    """The list index keeps pre-rendered cells in the cache: the second run reads them."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "BBTRACK_DATA": str(shipped_dir)}
    env.pop("BBTRACK_LANG", None)
    runs = [subprocess.run([*ENTRY, "list", "-p", "lang son"], cwd=ROOT, env=env, capture_output=True, text=True,
                           check=True).stdout for _ in range(2)]
    assert runs[0] == runs[1]
    row = next(line for line in runs[1].splitlines() if line.startswith("SM23-0-01"))
    assert row.rstrip().endswith(NO_UPDATE_LABELS["vi"])
    assert not any(claim in runs[1] for claim in CLAIMS)


# --- the report's date ---------------------------------------------------------------------------


def test_the_report_is_dated_by_its_latest_event(shipped_cli):
    latest = max(r["last_event"] for r in as_json(shipped_cli("list", "--format", "json")) if r["last_event"])
    today = datetime.date.today().isoformat()
    assert latest != today
    md = ok(shipped_cli("report", "--format", "markdown", "--lang", "en"))
    assert re.search(rf"^- \*\*Data as of:\*\* {latest} \(", md, re.M)
    assert f"- **Generated on:** {today}" in md
    vi = ok(shipped_cli("report", "--format", "markdown"))
    assert re.search(rf"^- \*\*Số liệu đến ngày:\*\* {latest} \(", vi, re.M)
    root = Dom(ok(shipped_cli("report", "--format", "html"))).root
    assert root.find("dd", cls="as-of").text() == latest
    assert root.find("dd", cls="generated").text() == today
    terminal = ok(shipped_cli("report", "--lang", "en"))
    assert f"Data as of: {latest} " in terminal and f"Generated on: {today}" in terminal


def test_a_past_today_dates_the_report_by_the_events_up_to_it(shipped_cli):
    listed = as_json(shipped_cli("list", "--format", "json"))
    events = as_json(shipped_cli("log", "--format", "json"))
    latest = max(e["date"] for e in events if e["date"] <= "2024-06-30")
    md = ok(shipped_cli("report", "--format", "markdown", "--lang", "en", "--today", "2024-06-30"))
    assert re.search(rf"^- \*\*Data as of:\*\* {latest} \(Standing on 2024-06-30\)", md, re.M)
    assert listed  # the later events exist, and are not the report's date
    assert max(r["last_event"] for r in listed if r["last_event"]) > latest


# --- the ladder ------------------------------------------------------------------------------------


def shipped_crossings() -> list[dict]:
    with open(ROOT / "data" / "crossings.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)["crossings"]


def ladder_ids(names: list[str], crossings: list[dict]) -> list[str]:
    """The crossing each ladder row names: by its pair, or for a road named by its gate pair by its markers."""
    ids = []
    for name in names:
        child = name.lstrip().startswith("↳")
        bare = name.lstrip().removeprefix("↳").strip()
        same = [x for x in crossings if bool(x["parent"]) == child]
        found = ([x["id"] for x in same if f"{x['name_vi']} – {x['partner_vi']}" == bare]
                 or [x["id"] for x in same if x["markers"] and x["markers"] in bare])
        assert len(found) == 1, f"{name!r} names no single crossing: {found}"
        ids.append(found[0])
    return ids


def assert_ladder(names: list[str], crossings: list[dict]) -> None:
    parents = {x["id"]: x["parent"] for x in crossings}
    bare = [name.lstrip().removeprefix("↳").strip() for name in names]
    assert len(bare) == len(set(bare)) == len(crossings), names  # each row, and each pair, once
    ids = ladder_ids(names, crossings)
    assert sorted(ids) == sorted(parents)
    for name, ident in zip(names, ids):
        assert name.lstrip().startswith("↳") == bool(parents[ident]), name
    for i, ident in enumerate(ids):
        if parents[ident]:
            above = next(j for j in range(i - 1, -1, -1) if not names[j].lstrip().startswith("↳"))
            assert ids[above] == parents[ident], f"{names[i]!r} sits under {names[above]!r}"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_markdown_ladder_nests_each_passage_under_its_parent(shipped_cli, lang):
    md = ok(shipped_cli("report", "--format", "markdown", "--lang", lang))
    heading = "## Cửa khẩu" if lang == "vi" else "## Crossings"
    table = md.split(heading, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ")][2:]  # header and rule
    assert_ladder([line.strip("|").split(" | ")[0].strip() for line in rows], shipped_crossings())


def test_the_terminal_ladder_nests_each_passage_under_its_parent(shipped_cli):
    out = ok(shipped_cli("report", "--lang", "en"))
    panel = out.split("Crossings: the opening", 1)[1].split("Legend:", 1)[0]
    names: list[str] = []
    wrapped = False  # a long name runs on until the row's second part, "中文 · province · kind"
    for line in panel.splitlines():
        text = re.split(r"\s{2,}", line.strip("│ ╭╮"))[0]
        if re.search(r"(██|··|▒▒)\s+(██|··|▒▒)", line):
            names.append(text)
            wrapped = True
        elif " · " in text or not text:
            wrapped = False
        elif wrapped:
            names[-1] += " " + text
    assert_ladder(names, shipped_crossings())


def test_the_html_ladder_nests_each_passage_under_its_parent(shipped_cli):
    root = Dom(ok(shipped_cli("report", "--format", "html", "--lang", "en"))).root
    rows = [g for chart in root.find_all("svg", cls="ladder-chart") for g in chart.find_all("g", cls="crossing")]
    crossings = {x["id"]: x for x in shipped_crossings()}
    names = []
    for g in rows:
        label = g.find_all("text")[0].text()
        names.append(label)
        assert bool(crossings[g.attrs["data-crossing"]]["parent"]) == label.startswith("↳")
    assert_ladder(names, list(crossings.values()))
    assert [crossings[i]["id"] for i in ladder_ids(names, list(crossings.values()))] == \
        [g.attrs["data-crossing"] for g in rows]


def test_the_shipped_order_is_the_trap_these_tests_need():
    """The shipped data lists Tân Thanh after Km3+4 Hải Yên: data order alone nests it wrongly."""
    order = [x["id"] for x in shipped_crossings()]
    assert order.index("km3-4-hai-yen") < order.index("tan-thanh")
    assert order.index("na-doong") == order.index("ta-lung-bridge-2") - 1


# --- deadlines and their basis ---------------------------------------------------------------------


def test_every_output_names_the_basis_of_a_due_date(shipped_cli):
    listed = as_json(shipped_cli("list", "--format", "json"))
    by_source = {source: [r for r in listed if r["due_source"] == source] for source in ("minutes", "programme")}
    assert by_source["minutes"] and by_source["programme"], "the shipped data has both bases"
    for source, en, vi in (("minutes", "in the minutes", "nêu trong biên bản"),
                           ("programme", "programme year", "theo chương trình")):
        record = by_source[source][0]
        assert f"due        {record['due']} ({en})" in ok(shipped_cli("show", record["id"], "--lang", "en"))
        assert f"{record['due']} ({vi})" in ok(shipped_cli("show", record["id"]))
    md = ok(shipped_cli("report", "--format", "markdown", "--lang", "en"))
    for record in by_source["programme"]:
        row = next(line for line in md.splitlines() if line.startswith(f"| {record['id']} "))
        assert f"| {record['due']} (programme year) |" in row
    # list's narrow column marks a programme year and names it under the table.
    table = ok(shipped_cli("list", "--format", "markdown", "--lang", "en"))
    marked = {line.split("|")[1].strip() for line in table.splitlines() if line.startswith("| SM")
              and line.split("|")[5].strip().endswith("*")}
    assert marked == {r["id"] for r in by_source["programme"]}
    assert "* programme year: the minutes set this action no deadline of its own." in table


def test_the_report_never_calls_a_programme_year_a_deadline_in_the_minutes(shipped_cli):
    listed = as_json(shipped_cli("list", "--format", "json"))
    for lang in ("vi", "en"):
        text = ok(shipped_cli("report", "--format", "markdown", "--lang", lang))
        assert "so với hạn trong biên bản" not in text and "against the dates in the minutes" not in text
    md = ok(shipped_cli("report", "--format", "markdown", "--lang", "en"))
    late = [r for r in listed if r["timing"] == "late"]
    minutes = sum(r["due_source"] == "minutes" for r in late)
    assert (f"| Done late | {len(late)} | {minutes} against a date in the minutes · "
            f"{len(late) - minutes} against the programme year |") in re.sub(r" {2,}", " ", md)


def test_due_source_filters_list_summary_and_report(shipped_cli):
    listed = as_json(shipped_cli("list", "--format", "json"))
    for source in ("minutes", "programme"):
        wanted = [r for r in listed if r["due_source"] == source]
        picked = as_json(shipped_cli("list", "--due-source", source, "--format", "json"))
        assert [r["id"] for r in picked] == [r["id"] for r in wanted]
        total = as_json(shipped_cli("summary", "--due-source", source, "--format", "json"))["total"]
        assert total["total"] == len(wanted)
        assert total["overdue"] == sum(r["timing"] == "overdue" for r in wanted)
        assert total["late"] == sum(r["timing"] == "late" for r in wanted)
        root = Dom(ok(shipped_cli("report", "--format", "html", "--due-source", source))).root
        assert root.find(cls="figure", data_figure="total").find(cls="value").text() == str(len(wanted))
    result = shipped_cli("--lang", "en", "summary", "--due-source", "year")
    assert result.exit_code == 2 and "unknown due source 'year'" in result.output


# --- history notes in the reader's language -----------------------------------------------------------


def test_every_history_entry_shows_a_vietnamese_note_or_says_it_is_english(shipped_cli):
    events = as_json(shipped_cli("log", "--format", "json"))
    rows = [line for line in ok(shipped_cli("log", "--format", "markdown", "--lang", "vi")).splitlines()[2:]]
    assert len(rows) == len(events)
    for event, row in zip(events, rows):
        note = row.split(" | ")[3].strip()
        if event["note_vi"]:
            assert not note.startswith("(EN)")
        elif event["note"]:
            assert note.startswith("(EN) "), row
    english = ok(shipped_cli("log", "--format", "markdown", "--lang", "en"))
    assert "(EN)" not in english
