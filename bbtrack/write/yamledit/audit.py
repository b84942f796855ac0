"""What the editor would refuse in a data file, as Problems for `bbtrack check`.

A user must learn that a file cannot be edited when they check it, not at the
first `status set` in the middle of recording an event. So `check` asks this
module, and this module asks the editor itself: every record is put through
the steps of a `status set` (locate, compose, build the edit, read it back),
the meetings through the read `status set` makes of them, the commitments list
through an `add`, and the whole file through the editor's scans. The merge
driver (`write/merge.py`) reads the same file record by record and splices a
record both sides changed between its history entries: each record and the
whole file go through its steps too (`recordtext`). Each refusal becomes one
warning `not-editable` at the refused line. The steps are the editor's and the
driver's own functions, so they cannot disagree with `check` about what is refused.

Per record the steps run on an excerpt (the collection's key line and the
record), as `FileBytes` edits do, so a file is audited in time linear in its
size.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import re
from typing import Any, Iterable

import yaml

from ...core.i18n import N_, _, ngettext
from ...core.errors import BbtrackError, DataError, EditRefused, NotFoundError
from ...core.problems import Problem, Source
from . import compose
from .compose import _compose_item, _construct, _refused_tokens
from .locate import (_id_line_item, _id_line_value, _item_starts, _locate, _record_span, _region,
                     _scan_top_lines)
from .misread import explain
from .splice import _build_set, append_record, record_ids
from .tokens import _check_file_tokens
from .textpos import _bom_len, _Excerpt, _line_end, _line_no, _newline, _source
from .entries import edit_history
from .verify import _check_splice, _record_value

CODE = "not-editable"
_MERGE_FILE = N_("`bbtrack merge-driver` merges this file line by line, not record by record")

# What `status set` writes: the status/stage (and a crossing's kind), and a history
# entry with every field it may carry.
_ENTRY: dict[str, object] = {"date": _dt.date(2024, 1, 1).isoformat(), "from": "a", "to": "b", "kind": "road",
                             "note": "n", "evidence": ["https://example.org/x"], "by": "b", "confidence": "weak"}
_EDITS: dict[str, dict[str, object]] = {"commitments": {"status": "done"}, "crossings": {"stage": "open", "kind": "road"}}
_NEW_RECORD: dict[str, object] = {
    "id": "BBTRACK-CHECK-0", "section": 0, "title_vi": "t", "title_en": "t", "quote": "q", "parties": ["p"],
    "crossings": [], "kind": "deliverable", "due": None, "status": "open", "history": [],
}
# Raised by constructing a value the loader has already reported (an impossible date).
_LOADER_REPORTS = (ValueError, yaml.YAMLError)
_ID_HINT = re.compile(r"\n *(?:- +)?id *:")


def refusals(text: str, filename: str, collection: str, ids: Iterable[str] = (), *,
             thorough: bool = False) -> list[Problem]:
    """Warnings for everything `status set` (and, for commitments, `add`) would refuse in `text`.

    `collection` is the file's list ("commitments" or "crossings"); `ids` are the records
    the loader found in it, each of which `status set` must be able to find. `thorough`
    puts every record through the edit, the plain ones too (tests compare the two).
    """
    found: dict[tuple[Source, str], dict[str, list[str]]] = {}  # one warning per refusal, naming who meets it

    def refused(exc: BbtrackError, record_id: str | None = None, in_collection: str | None = None,
                who: str = "file") -> None:
        better = explain(text, filename, exc, in_collection or collection, record_id)
        whom = found.setdefault((better.source or Source(filename), better.message), {})
        whom.setdefault(who, [])
        if record_id and who in ("set", "merge", "amend"):
            whom[who].append(record_id)

    try:
        tops = _scan_top_lines(text, filename)
    except (EditRefused, DataError, NotFoundError) as exc:
        refused(exc)
        return _warnings(found)
    try:
        from ..recordtext import split_records

        split_records(text, filename)  # the driver's own split, before any record is merged
    except (EditRefused, DataError, NotFoundError) as exc:
        refused(exc, who=_(_MERGE_FILE))
    try:
        _check_file_tokens(text, tops, filename)  # the editor's own scan: fast when there is nothing
    except (EditRefused, DataError):
        _tokens(text, filename, refused)  # there is: name every one
    located = _records(text, filename, tops, collection, _EDITS[collection], refused, thorough)
    if located is not None:
        for record_id in dict.fromkeys(ids):
            if record_id not in located:
                try:
                    _record_span(text, collection, record_id, filename, tops)
                except (EditRefused, DataError, NotFoundError) as exc:
                    refused(exc, record_id, who="set")
    if collection == "commitments":
        meetings = _records(text, filename, tops, "meetings", None, refused, thorough)
        if meetings is not None and located:
            for meeting in dict.fromkeys(record_id.split("-", 1)[0] for record_id in located):
                if meeting not in meetings:  # `status set` reads the meeting's date
                    try:
                        _record_span(text, "meetings", meeting, filename, tops)
                    except (EditRefused, DataError, NotFoundError) as exc:
                        refused(exc, meeting, "meetings", _("`bbtrack status set` refuses every {meeting} commitment").format(meeting=meeting))
        try:
            record_ids(text, collection, filename=filename)
            append_record(text, collection, _NEW_RECORD, filename=filename)
        except _LOADER_REPORTS:
            pass
        except (EditRefused, DataError, NotFoundError) as exc:
            refused(exc, who=_("`bbtrack add` refuses"))
    return _warnings(found)


def _warnings(found: dict[tuple[Source, str], dict[str, list[str]]]) -> list[Problem]:
    problems = []
    for (source, message), whom in found.items():
        if "file" in whom:
            who = _("bbtrack's editor refuses every edit of this file")
        else:
            parts = [part for part in whom if part not in ("set", "merge", "amend")]
            for kind, says in (("merge", N_("`bbtrack merge-driver` cannot merge {records} when both branches "
                                            "change it")),
                               ("set", N_("`bbtrack status set` refuses {records}"))):
                if kind in whom:
                    parts.insert(0, _(says).format(records=_named(whom[kind])))
            if "amend" in whom:
                parts.append(_("`bbtrack status amend` and `status remove` refuse {records}").format(
                    records=_named(whom["amend"])))
            who = _("; ").join(parts)
        problems.append(Problem(source, CODE, _("{who}: {problem}").format(who=who, problem=message), "warning"))
    return problems


def _named(record_ids: list[str]) -> str:
    """At most five ids, then how many more: a warning stays one line."""
    ids = list(dict.fromkeys(record_ids))
    if not ids:
        return _("a record")
    named = _(", ").join(ids[:5])
    if len(ids) > 5:
        named = ngettext("{ids} and {count} more", "{ids} and {count} more", len(ids) - 5).format(
            ids=named, count=len(ids) - 5)
    return named


def _tokens(text: str, filename: str, refused: Any) -> None:
    """Every anchor, alias, tag and directive: the editor refuses each anywhere in the file."""
    base = _bom_len(text)
    if not any(char in text for char in "&*!%"):
        return
    try:
        for message, index in _refused_tokens(text[base:], compose.LOADER):
            refused(EditRefused(message, _source(filename, text, base + index)))
    except yaml.YAMLError:
        pass  # not YAML: the loader reports it


def _records(text: str, filename: str, tops: tuple, collection: str, fields: dict[str, object] | None,
             refused: Any, thorough: bool) -> dict[str, int] | None:
    """Put every record of `collection` through an edit (`fields` set and a history entry
    appended) or, with no fields, through a read; {id: start} of the records it found.

    Composing and constructing a record in Python costs ~5 ms: a plain record (`_unusual`)
    is passed over unless `thorough`."""
    try:
        region = _region(text, tops, collection, filename)
    except (EditRefused, DataError, NotFoundError) as exc:
        refused(exc, in_collection=collection,
                who="file" if fields is not None else _("`bbtrack status set` refuses every commitment"))
        return None
    lines: dict[str, list[int]] = {}
    for hit in _ID_HINT.finditer(text, region.body - 1, region.end):
        line_start = hit.start() + 1
        line_end = _line_end(text, line_start)
        value = _id_line_value(text, line_start, line_end)
        if value is not None and (item := _id_line_item(text, region, line_start, line_end)) is not None:
            lines.setdefault(value, []).append(item)
    found: dict[str, int] = {}
    starts = list(_item_starts(text, region))
    unusual = _unusual_records(text, starts, region.body, region.end)
    header = text[region.key_start:region.body]
    nl = _newline(text)
    key_line = line = _line_no(text, region.key_start)
    counted = region.key_start
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else region.end
        line += text.count("\n", counted, start)  # counted as we go: a count from 0 each time is quadratic
        counted = start
        record_id = None
        try:
            record_id = _record_id(text, start, end, filename)
            if len(lines.get(record_id, ())) > 1:  # as `_record_span` finds them
                _record_span(text, collection, record_id, filename, tops)
            # the editor finds a record by the id's own text: an id written with escapes is not found
            if (not thorough and lines.get(record_id) == [start] and number not in unusual
                    and text.find(record_id, start, _line_end(text, start)) != -1):
                found[record_id] = start
                continue
            excerpt = _excerpt(header + text[start:end], key_line, line)
            located = _locate(excerpt, collection, record_id, filename, _scan_top_lines(excerpt, filename))
            if fields is None:
                _record_value(excerpt, located, filename)
            else:
                new = _build_set(excerpt, located, fields, _ENTRY, filename, nl)
                _check_splice(excerpt, new, located,
                              _locate(_excerpt(new, key_line, line), collection, record_id, filename,
                                      _scan_top_lines(new, filename)), fields, _ENTRY, filename)
            found[record_id] = start
            try:
                _merge_steps(excerpt, collection, filename)
            except (EditRefused, DataError, NotFoundError) as exc:
                refused(exc, record_id, collection, "merge")
            if fields is not None:
                try:
                    _correction_steps(excerpt, located, collection, record_id, filename)
                except _LOADER_REPORTS:
                    pass
                except (EditRefused, DataError, NotFoundError) as exc:
                    refused(exc, record_id, collection, "amend")
        except _LOADER_REPORTS:
            pass  # a value that cannot be constructed (2023-02-30): the loader reports it
        except (EditRefused, DataError, NotFoundError) as exc:
            who = ("set" if fields is not None else
                   _("`bbtrack status set` refuses every {meeting} commitment").format(meeting=record_id)
                   if record_id else _("`bbtrack status set` refuses every such commitment"))
            refused(exc, record_id, collection, who)
    return found


def _correction_steps(excerpt: _Excerpt, located: Any, collection: str, record_id: str, filename: str) -> None:
    """What `status amend` and `status remove` do to the entries only they rewrite: replace or drop
    an entry and re-point the `from` of the entry after it. The entries whose next `from` is not a
    one-line value (or that are not mappings) are the ones to try: the rest is what `status set`
    already did to the record (its columns, its status), and an edit costs ~10 ms."""
    pair = located.fields().get("history")
    entries = pair[1].value if pair is not None and isinstance(pair[1], yaml.SequenceNode) else []
    suspects = set()
    for index, entry in enumerate(entries):
        if not isinstance(entry, yaml.MappingNode):
            suspects.add(index)
            continue
        for key, value in entry.value:
            one_line = isinstance(value, yaml.ScalarNode) and value.style not in ("|", ">")
            if key.value == "from" and index and not one_line:
                suspects.add(index - 1)
    derived = "status" if collection == "commitments" else "stage"
    for index in sorted(suspects):
        last = index == len(entries) - 1
        fields = {derived: _ENTRY["to"]} if last else None
        edit_history(excerpt, collection, record_id, index, remove=1, insert=[_ENTRY], fields=fields,
                     next_from=None if last else _ENTRY["to"], filename=filename)
        edit_history(excerpt, collection, record_id, index, remove=1, fields=fields,
                     next_from=None if last else _ENTRY["from"], filename=filename)


def _merge_steps(excerpt: _Excerpt, collection: str, filename: str) -> None:
    """What the merge driver does with a record both branches changed, short of merging:
    read it as a `RecordText` and find its history entries to splice between."""
    from ..recordtext import HISTORY_LAYOUT, entry_chunks, split_records

    record = split_records(excerpt, filename)[collection].records[0].load()
    history = record.value.get("history")
    if isinstance(history, list) and history and entry_chunks(excerpt, record) is None:
        node = next(value for key, value in record.node.value if key.value == "history")
        raise EditRefused(_(HISTORY_LAYOUT), _source(filename, excerpt, record.start + node.start_mark.index))


# What a record in the documented plain block style never holds: a tab, a block scalar, a flow
# mapping, a complex key, a non-empty flow history, a dash alone on its line (or before a comment). With a line whose
# quotes do not pair (a string that goes on to the next line, or an apostrophe) the record is
# put through the edit too. Passing over a plain record is safe only while the editor edits
# every such record: tests/test_editor_check.py checks it on the shipped data and the corpus.
_UNUSUAL = re.compile(r"\t|[:-][ ]+[|>]|\{|^[ ]*\?(?:[ ]|$)|history[ ]*:[ ]*\[[ ]*[^\]\s]|^[ ]*-[ ]*(?:#.*)?$", re.M)
_QUOTE = re.compile(r"\\\"|[\"']")  # an escaped double quote, or a quote


def _unusual_records(text: str, starts: list[int], body: int, end: int) -> set[int]:
    """Indexes in `starts` of the records `_UNUSUAL` finds something in or holding a line whose
    quotes do not pair (comment lines apart: a comment line opens no string). One pass over
    the collection: a search per record is ten times slower."""
    lines = [m.start() for m in _UNUSUAL.finditer(text, body, end)]
    line, counts = -1, [0, 0]
    for match in _QUOTE.finditer(text, body, end):
        at = text.rfind("\n", 0, match.start()) + 1
        if at != line:
            if counts[0] % 2 or counts[1] % 2:
                lines.append(line)
            line, counts = at, [0, 0]
            comment = text[at:match.start()].lstrip(" ").startswith("#")
        if not comment and len(match.group()) == 1:
            counts[match.group() == "'"] += 1
    if counts[0] % 2 or counts[1] % 2:
        lines.append(line)
    return {bisect.bisect_right(starts, index) - 1 for index in lines}


def _record_id(text: str, start: int, end: int, filename: str) -> str:
    """The record's id, from its "- id: X" line when it has one (as `record_ids` reads it)."""
    value = _id_line_value(text, start, _line_end(text, start))
    if value is None:
        item = _compose_item(text, start, end, filename, _("a record"))
        value = dict(_construct(item)).get("id")
    if not isinstance(value, str) or not value:
        raise DataError(_("this record has no text id; every record needs 'id:'"), _source(filename, text, start))
    return value


def _excerpt(text: str, key_line: int, first: int) -> _Excerpt:
    """The collection's key line and one record, with the file's line numbers (see `FileBytes`)."""
    excerpt = _Excerpt(text)
    excerpt.file_line = lambda line: key_line if line == 1 else first + line - 2
    return excerpt
