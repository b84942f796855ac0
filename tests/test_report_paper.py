"""What the report folds to fit on paper (bbtrack/views/report/paper.py), and the terminal
report's sources: nothing folded may lose a record id, and no address may be split.

Expectations come from `log` and `list` on the shipped data, never hard-coded.
"""

from __future__ import annotations

from collections import Counter

from test_report import Dom, as_json, ok

TODAY = "2026-01-15"


def test_events_fold_only_identical_entries_and_keep_every_record(shipped_cli):
    logged = [e for e in as_json(shipped_cli("log", "--format", "json", "--lang", "en")) if e["date"] <= TODAY]
    root = Dom(ok(shipped_cli("report", "--format", "html", "--lang", "en", "--today", TODAY))).root
    rows = [tr for tr in root.find("section", id="events").find_all("tr") if "data-records" in tr.attrs]
    shown = Counter(i for tr in rows for i in tr.attrs["data-records"].split())
    assert shown == Counter(e["id"] for e in logged)
    assert len(rows) < len(logged)  # the shipped data has news items that updated several records
    # A row of several records holds one date, and each of its records had an entry that day.
    by_id_date = Counter((e["id"], e["date"]) for e in logged)
    for tr in rows:
        date = tr.find("td").text()
        for record in tr.attrs["data-records"].split():
            assert by_id_date[(record, date)], (record, date)


def test_guangxi_names_by_id_what_a_province_prints(shipped_cli):
    listed = as_json(shipped_cli("list", "--format", "json", "--today", TODAY))
    root = Dom(ok(shipped_cli("report", "--format", "html", "--today", TODAY))).root
    guangxi = root.find("section", id="party-quang-tay")
    rows = {tr.attrs["id"] for tr in guangxi.find_all("tr") if "id" in tr.attrs}
    named = {span.attrs["data-record"] for span in guangxi.find_all("span", cls="id") if "data-record" in span.attrs}
    own = {c["id"] for c in listed if "Quảng Tây" in c["parties"] and len(c["parties"]) < 5}
    assert named and rows and not rows & named
    assert rows | named == own
    for cid in named:  # each one is printed in full in its province's part
        assert root.find("tr", id=cid).attrs["data-status"]
    # Guangxi alone: nothing is named by id, every commitment is a row.
    alone = Dom(ok(shipped_cli("report", "--format", "html", "--today", TODAY, "-p", "Quảng Tây"))).root
    section = alone.find("section", id="party-quang-tay")
    assert {tr.attrs["id"] for tr in section.find_all("tr") if "id" in tr.attrs} == own


def test_terminal_report_prints_every_address_whole(shipped_cli):
    logged = [e for e in as_json(shipped_cli("log", "--format", "json")) if e["date"] <= TODAY]
    urls = {u for e in logged for u in e["evidence"] if u.startswith("http")}
    assert urls
    for columns in ("60", "80", "120"):
        out = ok(shipped_cli("report", "--today", TODAY, env={"COLUMNS": columns}))
        lines = out.splitlines()
        whole = {line.split(". ", 1)[1] for line in lines if line[:1].isdigit() and ". http" in line}
        assert whole == urls, columns
        # Inside the panels a source is its note number: no table cell holds a piece of an address.
        assert not [line for line in lines if line.startswith("│") and ("http" in line or "://" in line)], columns
