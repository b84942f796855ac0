"""Three-way merge of a data file, record by record (the git merge driver and `bbtrack resolve`).

Five offices keep the data on their own branches. Two of them recording an
event on the same commitment append history entries at the same place, and
two `bbtrack add` runs take the same next id: a line merge stops on both. The
records, though, are unordered children keyed by id (as mergiraf treats them),
so they merge by id:

* a record changed on one side only is taken from that side, its text verbatim;
* a record changed on both sides is merged field by field: a field changed on
  one side takes that side's value, the history is the union of the entries
  both added, in date order (for equal dates ours first, then theirs), and
  each entry's `from` follows the entry before it; a field changed on both
  sides to different values is a conflict;
* records added on both sides are kept; when both took the same new
  commitment id, theirs gets the next free id of its section;
* a record deleted on one side and changed on the other is a conflict.

Conflicts are written as diff3-style markers around that record only, so the
rest of the file stays merged. The text between records is merged line by
line. Every byte outside the records the merge changed is ours, unchanged.

Text in, text out: no file, git or printing here (`ops/mergeflow.py` does that).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.dates import parse_stored
from ..core.model import FINAL_STATUSES, INITIAL_STATUS, LADDER
from ..core.i18n import _, pgettext
from ..core.errors import BbtrackError, EditRefused
from . import recordtext as rt
from .merge3 import MARK_BASE, MARK_OURS, MARK_SEP, MARK_THEIRS, lines, marker, merge3

_MISSING = object()
_HOLE = "\x00"  # a placeholder line for a record is "\0collection\0id\0\n": NUL never occurs in YAML text


@dataclass(frozen=True)
class Conflict:
    """A record a person must settle, and why."""

    collection: str
    record_id: str  # "" for a conflict in the text between records
    reason: str
    line: int = 0  # of its <<<<<<< line in the merged text


@dataclass
class MergeResult:
    text: str
    conflicts: list[Conflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # (collection, id) -> (first line, last line) in `text` of every record whose text is not ours
    changed: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.conflicts


def merge_texts(base: str | None, ours: str, theirs: str, *, filename: str = "<data>",
                force_conflict: dict[tuple[str, str], str] | None = None) -> MergeResult:
    """Merge two versions of a data file made from `base` (None: the file was added on both sides).

    `force_conflict` marks records as conflicts with a reason (the caller's
    check found the merged record invalid). Raises DataError / EditRefused when
    a version cannot be read record by record; the caller then merges by line.
    """
    return _Merge(base or "", ours, theirs, filename, force_conflict or {}).run()


# --- history ------------------------------------------------------------------------------


def _minus(items: list[Any], others: list[Any]) -> list[Any]:
    """Items not matched one-to-one by an equal item of `others`."""
    left = list(others)
    out = []
    for item in items:
        match = next((i for i, other in enumerate(left) if rt.same(item, other)), None)
        if match is None:
            out.append(item)
        else:
            left.pop(match)
    return out


def _when(entry: Any):
    value = entry.get("date") if isinstance(entry, dict) else None
    return parse_stored(value).start  # ValueError: an unreadable date, merged by hand


def merge_history(base: list[Any], ours: list[Any], theirs: list[Any]) -> tuple[list[Any], str | None]:
    """The history both sides lead to, or (ours, reason) when a person must decide.

    Entries added on one side are inserted among the other side's by date;
    an entry corrected or removed on one side is corrected or removed (a
    correction is a removal plus an addition). Corrections of different
    entries on both sides are a conflict: which of them stands is not ours to
    say. So are events both sides recorded on the same date with different
    outcomes: which came last, and so the record's status, is not known.
    """
    if rt.same(ours, theirs):
        return ours, None
    removed_ours, removed_theirs = _minus(base, ours), _minus(base, theirs)
    if removed_ours and removed_theirs and not rt.same(removed_ours, removed_theirs):
        return ours, _("history entries were corrected or removed on both sides")
    added_ours, added_theirs = _minus(ours, base), _minus(theirs, base)
    if removed_ours and removed_theirs and _minus(added_ours, added_theirs) and _minus(added_theirs, added_ours):
        # both corrected the same entries, and not alike: which correction stands is a person's call
        return ours, _("the same history entries were corrected differently on both sides")
    try:
        for mine in added_ours:
            for other in added_theirs:
                if _when(mine) == _when(other) and not rt.same(mine.get("to"), other.get("to")):
                    return ours, _("both sides recorded an event on {date}, ours to {ours!r} and theirs to "
                                  "{theirs!r}; which came last is not known").format(
                                      date=mine.get('date'), ours=mine.get('to'), theirs=other.get('to'))
        if removed_theirs and not removed_ours:  # theirs corrected: ours' new entries join theirs
            return _by_date(_minus(added_ours, added_theirs), theirs), None
        return _by_date(ours, _minus(added_theirs, added_ours)), None
    except ValueError as exc:
        return ours, _("a history date cannot be read ({reason})").format(reason=exc)


def _by_date(first: list[Any], second: list[Any]) -> list[Any]:
    """Both lists merged in date order, keeping each list's own order; on equal dates `first`
    (ours) comes before `second`."""
    out: list[Any] = []
    i = j = 0
    while i < len(first) and j < len(second):
        if _when(first[i]) <= _when(second[j]):
            out.append(first[i])
            i += 1
        else:
            out.append(second[j])
            j += 1
    return out + first[i:] + second[j:]


def goes_backwards(collection: str, current: Any, to: Any) -> bool:
    """The rule `bbtrack status set` applies without --force (write/edit.py's check_change)."""
    if collection == "crossings":
        if current == "suspended" or to == "suspended" or current not in LADDER or to not in LADDER:
            return False
        return LADDER.index(to) < LADDER.index(current)

    def rank(status: Any) -> int:
        return 0 if status == INITIAL_STATUS else 2 if status in FINAL_STATUSES else 1

    return rank(to) < rank(current) or (current in FINAL_STATUSES and to != current)


def rechain(history: list[Any], start: int, collection: str) -> tuple[list[tuple[int, Any, Any]], str | None]:
    """Make each entry from `start` on go `from` where the one before it ended (`to`), in place:
    (the changes made, or a reason when that would move the record backwards).

    After a union the entry theirs recorded "in_progress → done" may follow
    ours' "open → in_progress → done": the status before theirs' event was then
    `done`, and "done → done" is an event without a change. "done → in_progress"
    would reopen a closed record, which only a person (with --force) may do.
    """
    changes = []
    for number in range(max(start, 1), len(history)):
        before, entry = history[number - 1], history[number]
        if not (isinstance(before, dict) and isinstance(entry, dict)) or "from" not in entry or "to" not in before:
            continue
        if not rt.same(entry["from"], before["to"]):
            if goes_backwards(collection, before["to"], entry.get("to")):
                return changes, _("after the entry of {date} ({status!r}) the entry of {later} would go back to "
                                 "{back!r}").format(date=before.get('date'), status=before['to'],
                                                    later=entry.get('date'), back=entry.get('to'))
            changes.append((number, entry["from"], before["to"]))
            history[number] = {key: (before["to"] if key == "from" else value) for key, value in entry.items()}
    return changes, None


# --- one record ---------------------------------------------------------------------------

_DERIVED = {"commitments": "status", "crossings": "stage"}  # the `to` of the record's last history entry


def _consistent(record: dict[str, Any], key: str) -> bool:
    history = record.get("history")
    if not history:
        return True
    last = history[-1]
    return isinstance(last, dict) and rt.same(record.get(key, _MISSING), last.get("to", _MISSING))


def merge_fields(base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any],
                 collection: str = "commitments") -> tuple[dict[str, Any], list[str], list[str]]:
    """(merged record, conflict reasons, notes): ours' key order, then keys theirs added.

    A record's status (a crossing's stage) is the `to` of its last history
    entry, so when both histories merge it follows the merged history rather
    than being a field both sides changed.
    """
    merged: dict[str, Any] = {}
    conflicts: list[str] = []
    notes: list[str] = []
    record_id = ours.get("id")
    o_h, a_h, b_h = (r.get("history", _MISSING) for r in (base, ours, theirs))
    history: list[Any] | None = None
    if all(isinstance(h, (list, type(None))) for h in (a_h, b_h)):
        history, reason = merge_history(o_h if isinstance(o_h, list) else [], a_h or [], b_h or [])
        if reason is None and not rt.same(history, a_h or []):
            history = list(history)
            ours_part = a_h or []
            first = next((i for i, e in enumerate(history)
                          if i >= len(ours_part) or not rt.same(e, ours_part[i])), len(history))
            changes, reason = rechain(history, first, collection)
            for number, was, now in changes:
                notes.append(_("{id}: the history entry of {date} now goes from {now!r} (it said {was!r}; an entry "
                               "of the other branch comes before it)").format(
                                   id=record_id, date=history[number].get('date'), now=now, was=was))
        if reason:
            conflicts.append(_("history: {reason}").format(reason=reason))
            history = None
    derived = _DERIVED.get(collection)
    follows = (history is not None and history and derived is not None
               and _consistent(ours, derived) and _consistent(theirs, derived))
    for key in [*ours, *(k for k in theirs if k not in ours)]:
        o, a, b = base.get(key, _MISSING), ours.get(key, _MISSING), theirs.get(key, _MISSING)
        if key == "history" and history is not None:
            merged[key] = history if history else a
            continue
        if key == derived and follows:
            merged[key] = history[-1].get("to")
            continue
        if _same_value(a, b) or _same_value(o, b):
            value = a
        elif _same_value(o, a):
            value = b
        else:
            conflicts.append(_("{field!r} changed on both sides (ours {ours}, theirs {theirs})").format(
                field=key, ours=_show(a), theirs=_show(b)))
            value = a
        if value is not _MISSING:
            merged[key] = value
    return merged, conflicts, notes


def _same_value(left: Any, right: Any) -> bool:
    if left is _MISSING or right is _MISSING:
        return left is right
    return rt.same(left, right)


def _show(value: Any) -> str:
    return "no value" if value is _MISSING else repr(value)


# --- the whole file -----------------------------------------------------------------------


class _Merge:
    def __init__(self, base: str, ours: str, theirs: str, filename: str,
                 force: dict[tuple[str, str], str]) -> None:
        self.texts = {"base": base, "ours": ours, "theirs": theirs}
        self.filename = filename
        self.force = force
        self.nl = rt.newline(ours)
        self.sides = {name: (rt.split_records(text, filename) if text.strip() else {})
                      for name, text in self.texts.items()}
        self.result = MergeResult("")
        # (collection, id) -> the text that replaces the record's placeholder line
        self.out: dict[tuple[str, str], str] = {}
        self.appends: dict[str, list[tuple[str, str]]] = {}  # collection -> [(id, text)] added at its end
        self.pending_conflicts: dict[tuple[str, str], tuple[str, str, str, str]] = {}
        self._pieces: list[tuple[tuple[str, str] | None, str]] = []
        self._index: dict[tuple[str, str], dict[str, rt.RecordText]] = {}

    # -- helpers --

    def _records(self, side: str, collection: str) -> dict[str, rt.RecordText]:
        if (side, collection) in self._index:
            return self._index[side, collection]
        found = self.sides[side].get(collection)
        records: dict[str, rt.RecordText] = {}
        for record in found.records if found else []:
            if record.id in records:
                raise EditRefused(_("record id {id!r} appears twice in {collection} ({side}); ids must be unique: "
                                    "merge this file by hand").format(id=record.id, collection=collection, side={
                                        "ours": pgettext("branch", "ours"), "base": pgettext("branch", "base"),
                                        "theirs": pgettext("branch", "theirs")}[side]))
            records[record.id] = record
        self._index[side, collection] = records
        return records

    def _text(self, side: str, record: rt.RecordText | None) -> str:
        if record is None:
            return ""
        chunk = rt.with_newlines(rt.record_text(self.texts[side], record), self.nl)
        return chunk if chunk.endswith("\n") else chunk + self.nl

    def _conflict(self, collection: str, record_id: str, reason: str, o: rt.RecordText | None,
                  a: rt.RecordText | None, b: rt.RecordText | None) -> None:
        label = " ".join(f"{collection} {record_id}: {reason}".split())  # a marker is one line
        self.pending_conflicts[collection, record_id] = (
            label, self._text("ours", a), self._text("base", o), self._text("theirs", b))
        self.result.conflicts.append(Conflict(collection, record_id, reason))

    def _conflict_block(self, label: str, ours: str, base: str, theirs: str) -> str:
        nl = self.nl
        return (marker(MARK_OURS, f"ours ({label})", nl) + ours + marker(MARK_BASE, "base", nl) + base
                + marker(MARK_SEP, "", nl) + theirs + marker(MARK_THEIRS, "theirs", nl))

    # -- deciding --

    def run(self) -> MergeResult:
        for collection in rt.COLLECTIONS:
            if any(collection in self.sides[side] for side in ("ours", "theirs")):
                self._collection(collection)
        self.result.text = self._assemble()
        self._locate_output()
        return self.result

    def _collection(self, collection: str) -> None:
        base, ours, theirs = (self._records(side, collection) for side in ("base", "ours", "theirs"))
        taken_ids = set(base) | set(ours) | set(theirs)
        for record_id, a in ours.items():
            o, b = base.get(record_id), theirs.get(record_id)
            key = (collection, record_id)
            # Text first: a change of a comment or of quoting is a change too.
            ta, to_, tb = self._text("ours", a), self._text("base", o), self._text("theirs", b)
            if key in self.force:
                self._conflict(collection, record_id, self.force[key], o, a, b)
            elif b is None:
                if o is not None and ta != to_:
                    self._conflict(collection, record_id, _("deleted on theirs, changed on ours"), o, a, None)
            elif ta == tb or (o is not None and tb == to_):
                continue  # ours stands
            elif o is not None and ta == to_:
                # theirs verbatim, unless its items sit at another column than ours (then in ours' style)
                self.out[key] = (tb if b.dash_col == a.dash_col
                                 else rt.render_record(b.load().value, a.dash_col, a.key_col, self.nl))
            elif o is None:
                if not rt.same(a.load().value, b.load().value):
                    self._added_on_both(collection, a, b, taken_ids)
            elif not rt.same(a.load().value, b.load().value):
                self._both_changed(collection, o.load(), a, b)
        for record_id, b in theirs.items():
            if record_id in ours:
                continue
            o = base.get(record_id)
            key = (collection, record_id)
            if o is None:
                if key in self.force:
                    self._conflict(collection, record_id, self.force[key], None, None, b)
                else:
                    self.appends.setdefault(collection, []).append((record_id, self._appended(collection, b)))
            elif self._text("theirs", b) != self._text("base", o):
                self._conflict(collection, record_id, _("deleted on ours, changed on theirs"), o, None, b)

    def _added_on_both(self, collection: str, a: rt.RecordText, b: rt.RecordText, taken_ids: set[str]) -> None:
        from ..load.validate import COMMITMENT_ID
        from .edit import next_id

        match = COMMITMENT_ID.match(b.id) if collection == "commitments" else None
        if match is None:
            self._conflict(collection, b.id, _("added on both sides with different content"), None, a, b)
            return
        meeting, section = match.group(1), int(match.group(2))
        new_id = next_id(sorted(taken_ids), meeting, section)
        taken_ids.add(new_id)
        if (collection, new_id) in self.force:
            self._conflict(collection, b.id, self.force[collection, new_id], None, a, b)
            return
        self.appends.setdefault(collection, []).append((new_id, self._appended(collection, b, new_id)))
        self.result.notes.append(_("{id} was added on both sides; theirs is now {new_id} (\"{title}\")").format(
            id=b.id, new_id=new_id, title=b.value.get('title_en') or b.value.get('title_vi') or ''))

    def _appended(self, collection: str, b: rt.RecordText, new_id: str | None = None) -> str:
        """Theirs' new record as it goes at the end of ours' collection (verbatim when the columns match)."""
        text = self._text("theirs", b)
        b.load()
        if new_id is not None:
            id_node = next(value for key, value in b.node.value if key.value == "id")
            start, end = id_node.start_mark.index, id_node.end_mark.index
            # the record text starts at its "- " line; marks are relative to b.start, as is the text
            from .yamledit import format_scalar

            raw = rt.record_text(self.texts["theirs"], b)
            text = rt.with_newlines(raw[:start] + format_scalar(new_id) + raw[end:], self.nl)
            text = text if text.endswith("\n") else text + self.nl
        ours_collection = self.sides["ours"].get(collection)
        model = ours_collection.records[0] if ours_collection and ours_collection.records else None
        if model is not None and (model.dash_col, model.key_col) != (b.dash_col, b.key_col):
            value = dict(b.value)
            if new_id is not None:
                value["id"] = new_id
            text = rt.render_record(value, model.dash_col, model.key_col, self.nl)
        return text

    def _both_changed(self, collection: str, o: rt.RecordText, a: rt.RecordText, b: rt.RecordText) -> None:
        merged, reasons, notes = merge_fields(o.value, a.value, b.value, collection)
        if reasons:
            self._conflict(collection, a.id, "; ".join(reasons), o, a, b)
            return
        try:
            text = self._rewrite(collection, a, merged)
        except BbtrackError as exc:
            self._conflict(collection, a.id, _("cannot be merged automatically ({reason})").format(reason=exc.message), o, a, b)
            return
        self.out[collection, a.id] = text
        self.result.notes.extend(notes)
        joined = not rt.same(merged.get("history"), a.value.get("history"))
        self.result.notes.append((_("{id}: merged the changes of both sides (history in date order)") if joined
                                  else _("{id}: merged the changes of both sides")).format(id=a.id))

    def _rewrite(self, collection: str, a: rt.RecordText, merged: dict[str, Any]) -> str:
        """Ours' record text turned into `merged` by the editor's splices; checked by reading it back."""
        from .yamledit import set_fields

        header = f"{collection}:{self.nl}"
        mini = header + self._text("ours", a)
        record_id = a.id
        fields = {k: v for k, v in merged.items()
                  if k != "history" and (k not in a.value or not rt.same(a.value[k], v))}
        removed = [k for k in a.value if k not in merged]
        if removed:
            raise EditRefused(_("field {name!r} was removed on one side").format(name=removed[0]))
        if fields:
            mini = set_fields(mini, collection, record_id, fields, filename=self.filename)
        history = merged.get("history", _MISSING)
        if history is not _MISSING and not rt.same(history, a.value.get("history")):
            mini = self._rewrite_history(mini, collection, record_id, history)
        again = rt.split_records(mini, self.filename)[collection].records[0].load()
        if not rt.same(again.value, merged):
            raise EditRefused(_("the merged record does not read back as intended"))
        return mini[len(header):]

    def _rewrite_history(self, mini: str, collection: str, record_id: str, history: list[Any]) -> str:
        from .yamledit import set_fields

        record = rt.split_records(mini, self.filename)[collection].records[0].load()
        old = record.value.get("history") or []
        if not old:  # `history: []` or null: the editor appends each entry in its own style
            for entry in history:
                mini = set_fields(mini, collection, record_id, {}, history_entry=entry, filename=self.filename)
            return mini
        if not history:
            raise EditRefused(_("the history would become empty"))
        layout = rt.entry_chunks(mini, record)
        if layout is None:
            raise EditRefused(_(rt.HISTORY_LAYOUT))
        chunks, dash_col, key_col = layout
        unused = list(range(len(old)))
        parts = []
        for entry in history:
            match = next((i for i in unused if rt.same(old[i], entry)), None)
            if match is not None:
                unused.remove(match)
                start, end = chunks[match]
                parts.append(mini[start:end])
            else:
                parts.append(rt.render_entry(entry, dash_col, key_col, self.nl))
        return mini[:chunks[0][0]] + "".join(parts) + mini[chunks[-1][1]:]

    # -- writing --

    def _skeleton(self, side: str, keep: set[tuple[str, str]] | None) -> list[str]:
        """The side's text with each record as one placeholder line (records not in `keep` dropped)."""
        text = self.texts[side]
        spans = sorted((record.start, record.end, collection, record.id)
                       for collection, found in self.sides[side].items() for record in found.records)
        out, pos = [], 0
        for start, end, collection, record_id in spans:
            out.append(text[pos:start])
            if keep is None or (collection, record_id) in keep:
                out.append(f"{_HOLE}{collection}{_HOLE}{record_id}{_HOLE}\n")
            pos = end
        out.append(text[pos:])
        return lines("".join(out))

    def _assemble(self) -> str:
        base_ids = {(c, r.id) for c, found in self.sides["base"].items() for r in found.records}
        skeleton = merge3(self._skeleton("base", None), self._skeleton("ours", None),
                          self._skeleton("theirs", base_ids))
        pieces: list[tuple[tuple[str, str] | None, str]] = []
        last_of: dict[str, int] = {}
        emitted: set[tuple[str, str]] = set()
        for kind, a_lines, z_lines, b_lines in skeleton:
            if kind == "conflict":
                texts = [self._fill(part, side) for part, side in
                         ((a_lines, "ours"), (z_lines, "base"), (b_lines, "theirs"))]
                for part in (a_lines, z_lines, b_lines):
                    emitted.update(self._holes(part))
                pieces.append((None, self._conflict_block(_("the text between records"), *texts)))
                self.result.conflicts.append(Conflict("", "", _("the text between records changed on both sides")))
                continue
            for line in a_lines:
                hole = self._hole(line)
                if hole is None:
                    pieces.append((None, line))
                    continue
                emitted.add(hole)
                pieces.append((hole, self._record_out(hole)))
                last_of[hole[0]] = len(pieces)
        for key in self.pending_conflicts:  # a conflict whose record one side deleted has no line
            if key not in emitted:
                self.appends.setdefault(key[0], []).append((key[1], self._record_out(key)))
        for collection, added in sorted(self.appends.items(), key=lambda item: -last_of.get(item[0], -1)):
            at = last_of.get(collection)
            if at is None:
                continue
            pieces[at:at] = [((collection, record_id), text) for record_id, text in added]
        text = "".join(piece for _, piece in pieces)
        self._pieces = pieces
        for collection, added in self.appends.items():
            if collection not in last_of:  # ours has no record there to append after
                text = self._append_rendered(text, collection, added)
        return text

    def _append_rendered(self, text: str, collection: str, added: list[tuple[str, str]]) -> str:
        from .yamledit import append_record

        for record_id, chunk in added:
            found = rt.split_records(f"{collection}:{self.nl}{chunk}", self.filename)[collection].records
            if not found:
                continue
            text = append_record(text, collection, found[0].load().value, filename=self.filename)
            self.result.changed[collection, record_id] = (0, 0)
        return text

    def _hole(self, line: str) -> tuple[str, str] | None:
        if not line.startswith(_HOLE):
            return None
        _, collection, record_id, _ = line.split(_HOLE)
        return collection, record_id

    def _holes(self, part: list[str]) -> set[tuple[str, str]]:
        return {hole for line in part if (hole := self._hole(line)) is not None}

    def _fill(self, part: list[str], side: str) -> str:
        out = []
        for line in part:
            hole = self._hole(line)
            if hole is None:
                out.append(line)
            else:
                out.append(self._text(side, self._records(side, hole[0]).get(hole[1])))
        return "".join(out)

    def _record_out(self, key: tuple[str, str]) -> str:
        if key in self.pending_conflicts:
            return self._conflict_block(*self.pending_conflicts[key])
        if key in self.out:
            return self.out[key]
        return rt.record_text(self.texts["ours"], self._records("ours", key[0])[key[1]])

    def _locate_output(self) -> None:
        """Line numbers, in the merged text, of each record not taken from ours and of each conflict."""
        changed = {key for key, text in self.out.items() if text} | set(self.pending_conflicts)
        changed |= {(c, r) for c, added in self.appends.items() for r, _ in added}
        waiting = {(c.collection, c.record_id): [] for c in self.result.conflicts}
        for index, c in enumerate(self.result.conflicts):
            waiting[c.collection, c.record_id].append(index)
        line = 1
        for key, piece in self._pieces:
            count = piece.count("\n")
            if key is not None and key in changed and piece:
                self.result.changed[key] = (line, line + max(count - 1, 0))
            if piece.startswith(MARK_OURS) and waiting.get(key or ("", "")):
                index = waiting[key or ("", "")].pop(0)
                c = self.result.conflicts[index]
                self.result.conflicts[index] = Conflict(c.collection, c.record_id, c.reason, line)
            line += count
