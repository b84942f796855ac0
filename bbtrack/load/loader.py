"""Reading the data folder into typed records, collecting problems as values.

Nothing here raises for bad user data: each finding becomes a `Problem`
pointing at file:line:col. A file that cannot be used at all (not UTF-8, not
YAML, wrong shape) yields a problem of severity "fatal" and no records.

YAML is composed (never constructed from arbitrary tags) with libyaml's
`CSafeLoader` when available; the node graph is then walked to reject what a
plain `safe_load` would accept silently: duplicate keys, aliases (and with
them "billion laughs") and any tag outside YAML's core schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..core import provinces
from ..core.dates import PartialDate, parse_stored
from ..core.i18n import _
from ..core.lookup import noun
from .folder import COMMITMENTS_FILE, CROSSINGS_FILE
from .partial import skip as _skip
from .portable import glued_comment
from ..core.model import (
    COMMITMENT_KINDS,
    CONFIDENCES,
    CROSSING_KINDS,
    DUE_SOURCES,
    SCHEMA_VERSION,
    STAGES,
    STATUSES,
    Commitment,
    Crossing,
    Dataset,
    HistoryEntry,
    Meeting,
)
from ..core.problems import Problem, Source
from ..core.text import display_path, nfc
from .spans import Lines as _Lines, Span, Split, conflict_marker as _conflict_marker, read_text, split_records
from .spans import strip_bom as _strip_bom

_CORE_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("null", "bool", "int", "float", "str", "timestamp", "seq", "map")
)


# --- composing -------------------------------------------------------------------------


def compose(text: str, name: str, problems: list[Problem], lines: _Lines | None = None) -> Any | None:
    """The YAML node graph of `text`, or None (with a fatal problem)."""
    import yaml  # deferred: a cache hit never needs it

    text = _strip_bom(text)
    if not text.strip():
        problems.append(Problem(Source(name, 1), "empty-file", _("file is empty; restore it from git"), "fatal"))
        return None
    if line := _conflict_marker(text):
        problems.append(
            Problem(Source(name, line), "merge-conflict", _("unresolved git merge conflict; resolve it and run `bbtrack check`"), "fatal")
        )
        return None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
        if root is None:  # nothing but comments
            problems.append(Problem(Source(name, 1), "empty-file", _("file holds no data (only comments); restore it from git"), "fatal"))
        return root
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (lines or _Lines(text)).source(name, mark) if mark else Source(name)
        what = " ".join(str(exc.problem or exc.context or "syntax error").split())
        anchored = "anchor &" in what or (what == "second occurrence" and exc.context_mark is not None)
        if what == "second occurrence" and exc.context_mark:  # the problem half of "found duplicate anchor"
            first, anchor = (lines or _Lines(text)).source(name, exc.context_mark).line, text[mark.index:].split()[0]
            what = _("anchor {anchor} is defined twice (first on line {first}); bbtrack data has no anchors").format(anchor=anchor, first=first)
        tab = "\\t" in what or "tab" in what or (text[mark.index:mark.index + 1] if mark else "") == "\t"
        hint = _("indent with spaces, not tabs") if tab else _("write the values out") if anchored else _("fix the YAML syntax")
        problems.append(Problem(where, "yaml-syntax", _("{reason}; {hint}").format(reason=what, hint=hint), "fatal"))
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, other controls)
        # libyaml reports a byte offset into the UTF-8 text: find the character ourselves.
        bad = yaml.reader.Reader.NON_PRINTABLE.search(text)
        char = bad.group() if bad else exc.character if isinstance(exc.character, str) else chr(exc.character)
        where = _Lines(text, exact=True).at(name, bad.start()) if bad else Source(name)
        problems.append(Problem(where, "yaml-syntax",
                                _("character {char} is not allowed in a YAML file; remove it").format(char=f"U+{ord(char):04X}"),
                                "fatal"))
    except yaml.YAMLError as exc:
        problems.append(Problem(Source(name), "yaml-syntax", " ".join(str(exc).split()), "fatal"))
    return None


# --- node walking -------------------------------------------------------------------


@dataclass
class _Walker:
    """Turns nodes into plain values, recording problems with their positions."""

    name: str
    problems: list[Problem]
    lines: _Lines
    seen: set[int] = field(default_factory=set)
    _constructor: Any = None
    text: str = ""  # the composed text (BOM stripped), for what only the characters show

    def src(self, node: Any) -> Source:
        return self.lines.source(self.name, node.start_mark)

    def check_node(self, node: Any) -> bool:
        """False (with a problem) for an alias or a non-core tag."""
        if id(node) in self.seen:
            self.problems.append(
                Problem(self.src(node), "alias", _("YAML anchors/aliases are not allowed; write the value out"), "fatal")
            )
            return False
        self.seen.add(id(node))
        if node.tag not in _CORE_TAGS:
            self.problems.append(
                Problem(self.src(node), "tag", _("YAML tag {tag!r} is not allowed; remove it").format(tag=node.tag), "fatal")
            )
            return False
        if self.text and (problem := glued_comment(self.text, node, self.name)):
            self.problems.append(problem)
        return True

    def scalar(self, node: Any) -> Any:
        if self._constructor is None:
            from yaml.constructor import SafeConstructor

            self._constructor = SafeConstructor()
        try:
            return self._constructor.construct_object(node)
        except Exception as exc:  # e.g. an impossible timestamp 2023-02-30
            reason = " ".join(_(str(exc)).split())  # datetime's reason: in the catalogue when it is a known one
            self.problems.append(Problem(self.src(node), "bad-value", _("{value!r} cannot be read ({reason}); write a real date as YYYY-MM-DD").format(value=node.value, reason=reason)))
            return _INVALID

    def value(self, node: Any) -> Any:
        """Plain value of a scalar or a list of scalars; mappings are walked by callers."""
        if not self.check_node(node):
            return _INVALID
        kind = node.id
        if kind == "scalar":
            return self.scalar(node)
        if kind == "sequence":
            items = []
            for item in node.value:
                if not self.check_node(item):
                    return _INVALID
                if item.id == "scalar":
                    items.append(self.scalar(item))
                else:
                    items.append(_Nested(item))
            return items
        return _Nested(node)

    def mapping(self, node: Any, what: str) -> dict[str, tuple[Any, Any]] | None:
        """{key: (value node, key node)} of a mapping node, duplicate keys reported."""
        if node.id != "mapping":
            self.problems.append(Problem(self.src(node), "wrong-type", _("{what} must be a mapping (key: value lines)").format(what=noun(what))))
            return None
        result: dict[str, tuple[Any, Any]] = {}
        for key_node, value_node in node.value:
            if not self.check_node(key_node):
                continue
            key = key_node.value if key_node.id == "scalar" else None
            if not isinstance(key, str):
                self.problems.append(Problem(self.src(key_node), "wrong-type",
                                             _("keys must be plain words (field names); rename or remove this key")))
                continue
            if key in result:
                self.problems.append(
                    Problem(self.src(key_node), "duplicate-key", _("key {key!r} appears twice in {what}; keep one").format(key=key, what=noun(what)))
                )
                continue
            result[key] = (value_node, key_node)
        return result


class _Invalid:
    def __repr__(self) -> str:
        return "<invalid>"


_INVALID = _Invalid()


@dataclass(frozen=True)
class _Nested:
    """A mapping or nested list read where a plain value was expected; its field reports it."""

    node: Any


# --- field conversion -------------------------------------------------------------


class _Bad(Exception):
    """A field's value refused: `message` is a sentence about `{field}`, named where the field is known."""
    def __init__(self, code: str, message: str, **values: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.values = code, message, values


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad("wrong-type", _("{field} must be text, not {type}"), type=_type_name(value))
    if not value.strip():
        raise _Bad("empty-value", _("{field} must not be empty"))
    if nfc(value) != value:
        raise _Bad("not-nfc", _("{field} is not in Unicode NFC form; save the file as NFC (composed accents)"))
    return value


def _opt_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad("wrong-type", _("{field} must be a whole number, not {type}"), type=_type_name(value))
    return value


def _vocab(words: tuple[str, ...], what: str) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        if not isinstance(value, str) or value not in words:
            raise _Bad(f"unknown-{what}", _("{field} {value!r} is not a {what}; use one of {words}"), value=value, what=noun(what), words=", ".join(words))
        return value

    return convert


def _opt(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else convert(value)


def _date(value: Any) -> PartialDate:
    try:
        return parse_stored(value)
    except ValueError as exc:
        hint = "" if "YYYY" in str(exc) else _("; write YYYY, YYYY-MM or YYYY-MM-DD")
        raise _Bad("bad-date", _("{field} {reason}{hint}"), reason=exc, hint=hint) from None


def _text_list(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Bad("wrong-type", _("{field} must be a list, not {type}"), type=_type_name(value))
    return tuple(_text(item) for item in value)


def _type_name(value: Any) -> str:
    if isinstance(value, _Nested):
        return _("a nested block")
    return {type(None): _("empty"), bool: _("true/false"), int: _("a number"), float: _("a number"), list: _("a list"),
            str: _("text")}.get(type(value), type(value).__name__)


# Each record type: field -> (required, converter). Order is the documented key order.
_HISTORY_FIELDS: dict[str, tuple[bool, Callable[[Any], Any]]] = {
    "date": (True, _date),
    "from": (True, _text),
    "to": (True, _text),
    "kind": (False, _opt(_vocab(CROSSING_KINDS, "kind"))),
    "note": (False, _opt_text),
    "note_vi": (False, _opt_text),
    "note_zh": (False, _opt_text),
    "evidence": (False, lambda v: () if v is None else _text_list(v)),
    "by": (False, _opt_text),
    "confidence": (False, _opt(_vocab(CONFIDENCES, "confidence"))),
}
_COMMITMENT_FIELDS: dict[str, tuple[bool, Callable[[Any], Any]]] = {
    "id": (True, _text),
    "section": (True, _int),
    "title_vi": (True, _text),
    "title_en": (True, _text),
    "title_zh": (False, _opt_text),
    "quote": (True, _text),
    "parties": (True, _text_list),
    "crossings": (True, _text_list),
    "kind": (True, _vocab(COMMITMENT_KINDS, "kind")),
    "due": (True, _opt(_date)),
    "due_source": (False, _opt(_vocab(DUE_SOURCES, "due_source"))),
    "status": (True, _vocab(STATUSES, "status")),
    "history": (True, None),  # walked separately
}
_CROSSING_FIELDS: dict[str, tuple[bool, Callable[[Any], Any]]] = {
    "id": (True, _text),
    "name_vi": (True, _text),
    "name_zh": (False, _opt_text),
    "partner_vi": (True, _text),
    "partner_zh": (False, _opt_text),
    "partner_pinyin": (False, _opt_text),
    **dict.fromkeys(("zh_confidence", "name_zh_confidence"), (False, _opt(_vocab(CONFIDENCES, "confidence")))),
    "name_source": (False, _opt_text),
    "province": (True, _text),
    "kind": (True, _opt(_vocab(CROSSING_KINDS, "kind"))),
    "target_kind": (False, _opt(_vocab(CROSSING_KINDS, "kind"))),
    "stage": (True, _vocab(STAGES, "stage")),
    "parent": (False, _opt_text),
    "markers": (False, _opt_text),
    "history": (True, None),
}
_MEETING_FIELDS: dict[str, tuple[bool, Callable[[Any], Any]]] = {
    "id": (True, _text),
    "date": (True, _date),
    "title_vi": (True, _text),
    "title_en": (True, _text), "title_zh": (False, _opt_text),
    "minutes": (False, _opt_text),
}


def _fields(
    walker: _Walker, node: Any, spec: dict[str, tuple[bool, Callable[[Any], Any] | None]], what: str
) -> dict[str, Any] | None:
    """Convert one record's fields; None when the record is unusable."""
    entries = walker.mapping(node, what)
    if entries is None:
        return None
    values: dict[str, Any] = {}
    ok = True
    for key, (value_node, key_node) in entries.items():
        if key not in spec:
            walker.problems.append(
                Problem(walker.src(key_node), "unknown-field",
                        _("{what} has no field {key!r}; allowed: {allowed} (see docs/data-format.md)").format(what=noun(what), key=key, allowed=", ".join(spec)))
            )
            ok = False
            continue
        convert = spec[key]
        if convert[1] is None:
            values[key] = value_node
            continue
        raw = walker.value(value_node)
        if raw is _INVALID:
            ok = False
            continue
        try:
            values[key] = convert[1](raw)
        except _Bad as bad:
            walker.problems.append(Problem(walker.src(value_node), bad.code, bad.message.format(field=key, **bad.values)))
            ok = False
    for key, (required, _convert) in spec.items():
        if required and key not in entries:
            walker.problems.append(Problem(walker.src(node), "missing-field",
                                           _("{what} lacks required field {key!r}; add it (see docs/data-format.md)").format(what=noun(what), key=key)))
            ok = False
    return values if ok else None


def _history(walker: _Walker, node: Any, what: str) -> tuple[HistoryEntry, ...] | None:
    if not walker.check_node(node):
        return None
    if node.id == "scalar" and node.value in ("", "~", "null"):
        return ()
    if node.id != "sequence":
        walker.problems.append(Problem(walker.src(node), "wrong-type",
                                       _("{what} history must be a list; write `history: []` or '- date: ...' entries").format(what=noun(what))))
        return None
    entries = []
    for item in node.value:
        if not walker.check_node(item):
            return None
        values = _fields(walker, item, _HISTORY_FIELDS, "history entry")
        if values is None:
            continue
        entries.append(
            HistoryEntry(
                date=values["date"],
                from_=values["from"],
                to=values["to"],
                note=values.get("note"),
                note_vi=values.get("note_vi"),
                note_zh=values.get("note_zh"),
                evidence=values.get("evidence", ()),
                by=values.get("by"),
                confidence=values.get("confidence") or "verified",
                kind=values.get("kind"),
                source=walker.src(item),
            )
        )
    return tuple(entries)


def _top(walker: _Walker, root: Any, collection: str) -> dict[str, tuple[Any, Any]] | None:
    if root is None or not walker.check_node(root):  # a tag on the document itself is as fatal as any
        return None
    top = walker.mapping(root, "the file")
    if top is None:
        walker.problems[-1] = Problem(walker.src(root), "wrong-shape",
                                      _("the file must be a mapping with 'schema' and '{collection}'").format(collection=collection), "fatal")
        return None
    schema = top.get("schema")
    if schema is None:
        walker.problems.append(Problem(walker.src(root), "no-schema", _("first key must be 'schema: {version}'").format(version=SCHEMA_VERSION), "fatal"))
        return None
    version = walker.value(schema[0])
    if version != SCHEMA_VERSION:
        walker.problems.append(
            Problem(walker.src(schema[0]), "schema-version",
                    _("schema {version!r} is not supported by this bbtrack (knows {known}); upgrade bbtrack").format(version=version, known=SCHEMA_VERSION), "fatal")
        )
        return None
    if collection not in top or top[collection][0].id != "sequence":
        where = walker.src(top[collection][0]) if collection in top else walker.src(root)
        walker.problems.append(Problem(where, "wrong-shape", _("'{collection}' must be a list of records").format(collection=collection), "fatal"))
        return None
    return top


def _records(walker: _Walker, seq: Any, what: str) -> list[tuple[Any, dict[str, Any] | None]]:
    if not walker.check_node(seq):
        return []
    return [(node, _fields(walker, node, _FIELD_SPECS[what], what)) for node in seq.value]


_FIELD_SPECS = {"commitment": _COMMITMENT_FIELDS, "crossing": _CROSSING_FIELDS, "meeting": _MEETING_FIELDS}


_CROSSING_DEFAULTS = dict.fromkeys(("name_zh", "partner_zh", "partner_pinyin", "zh_confidence", "name_zh_confidence", "name_source",
                                    "target_kind", "parent", "markers"))


def _record(walker: _Walker, node: Any, what: str) -> Commitment | Crossing | None:
    values = _fields(walker, node, _FIELD_SPECS[what], what)
    if values is None:
        return None
    history = _history(walker, values.pop("history"), what)
    if history is None:
        return None
    if what == "commitment":
        return Commitment(**values, history=history, source=walker.src(node))
    return Crossing(**{**_CROSSING_DEFAULTS, **values}, history=history, source=walker.src(node))


def parse_by_record(text: str, name: str, collection: str, split: Split, known: dict[int, Any],
                    progress: Progress | None = None) -> tuple[list[Any], list[Meeting]] | None:
    """(records, meetings) of `text` (BOM stripped), each record's span (`spans.split_records`)
    composed alone (one node graph at a time), the `known` ones (by span index) taken as given.
    None when anything is amiss: the caller reads the file whole, so messages are a whole read's."""
    problems: list[Problem] = []
    header = text[:split.header_end]
    lines = _Lines(header)
    walker = _Walker(name, problems, lines, text=header)
    root = compose(header, name, problems, lines)
    top = walker.mapping(root, "the file") if root is not None and not problems else None
    if top is None or problems or list(top)[-1] != collection or "schema" not in top or set(top) - {
            "schema", collection, *(("meetings",) if collection == "commitments" else ())}:
        return None
    empty = top[collection][0]  # the items follow: the header alone reads the key as null
    if empty.id != "scalar" or empty.value != "" or walker.value(top["schema"][0]) != SCHEMA_VERSION:
        return None
    meetings = []
    for node, values in _records(walker, top["meetings"][0], "meeting") if "meetings" in top else ():
        if values is None:
            return None
        meetings.append(Meeting(**{"minutes": None, **values}, source=walker.src(node)))
    what = collection[:-1]
    records = []
    total = len(split.spans)
    for i, span in enumerate(split.spans):
        record = known.get(i)
        if record is None:
            chunk = text[span.start:span.end]
            lines = _Lines(chunk, offset=span.line - 1)
            walker = _Walker(name, problems, lines, text=chunk)
            root = compose(chunk, name, problems, lines)
            if root is None or problems or root.id != "sequence" or len(root.value) != 1 or not walker.check_node(root):
                return None
            record = _record(walker, root.value[0], what)
            if record is None or problems:
                return None
        records.append(record)
        if progress is not None and (i % 500 == 499 or i + 1 == total):
            progress(name, i + 1, total)
    return records, meetings


def parse_commitments(text: str, name: str, problems: list[Problem],
                      skipped: list | None = None) -> tuple[list[Commitment], list[Meeting]]:
    lines = _Lines(_strip_bom(text))
    walker = _Walker(name, problems, lines, text=_strip_bom(text))
    top = _top(walker, compose(text, name, problems, lines), "commitments")
    if top is None:
        return [], []
    meetings = []
    if "meetings" in top:
        for node, values in _records(walker, top["meetings"][0], "meeting"):
            if values is not None:
                meetings.append(Meeting(**{"minutes": None, **values}, source=walker.src(node)))
    commitments = []
    for node, values in _records(walker, top["commitments"][0], "commitment"):
        history = None if values is None else _history(walker, values.pop("history"), "commitment")
        if history is None:
            _skip(skipped, walker, node)
            continue
        commitments.append(
            Commitment(**{**values, "parties": values["parties"], "crossings": values["crossings"]},
                       history=history, source=walker.src(node))
        )
    for key, (_value, key_node) in top.items():
        if key not in ("schema", "meetings", "commitments"):
            problems.append(Problem(walker.src(key_node), "unknown-field",
                                    _("unknown top-level key {key!r}; the file holds only schema, meetings and commitments").format(key=key)))
    return commitments, meetings


def parse_crossings(text: str, name: str, problems: list[Problem], skipped: list | None = None) -> list[Crossing]:
    lines = _Lines(_strip_bom(text))
    walker = _Walker(name, problems, lines, text=_strip_bom(text))
    top = _top(walker, compose(text, name, problems, lines), "crossings")
    if top is None:
        return []
    crossings = []
    for node, values in _records(walker, top["crossings"][0], "crossing"):
        history = None if values is None else _history(walker, values.pop("history"), "crossing")
        if history is None:
            _skip(skipped, walker, node)
            continue
        crossings.append(Crossing(**{**_CROSSING_DEFAULTS, **values}, history=history, source=walker.src(node)))
    for key, (_value, key_node) in top.items():
        if key not in ("schema", "crossings"):
            problems.append(Problem(walker.src(key_node), "unknown-field",
                                    _("unknown top-level key {key!r}; the file holds only schema and crossings").format(key=key)))
    return crossings


# --- the whole folder ------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    """The records of a folder and every problem found reading them."""

    dataset: Dataset
    problems: tuple[Problem, ...]
    data_dir: Path
    skipped: tuple[tuple[Source, str | None], ...] = ()  # where records left out start, and their ids
    # {collection: (file, [(span digest, first line), ...])} if read record by record: for the cache
    spans: dict | None = field(default=None, compare=False, repr=False)

    @property
    def fatal(self) -> bool:
        return any(p.severity == "fatal" for p in self.problems)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity != "warning")


# {collection: (file name, spans)} -> the records a caller has for some: {collection: {span index: record}}
Reuse = Callable[[dict[str, tuple[str, list[Span]]]], dict[str, dict[int, Any]]]
Progress = Callable[[str, int, int], None]  # (file name, records read, records in the file)


def parse_folder(data_dir: Path, *, reuse: Reuse | None = None, progress: Progress | None = None) -> LoadResult:
    """Parse and validate both files of `data_dir`. `reuse` may hand back records of an earlier
    parse whose spans did not change (the cache does); `progress` hears how far a file's read is."""
    from .validate import validate

    problems: list[Problem] = []
    skipped: list[tuple[Source, str | None]] = []
    files = {"commitments": data_dir / COMMITMENTS_FILE, "crossings": data_dir / CROSSINGS_FILE}
    names = {collection: display_path(path) for collection, path in files.items()}
    unread: dict[str, list[Problem]] = {collection: [] for collection in files}  # in the order of a file at a time
    texts = {collection: read_text(path, unread[collection]) for collection, path in files.items()}
    splits = {collection: split_records(_strip_bom(text), collection) if text is not None else None
              for collection, text in texts.items()}
    known: dict[str, dict[int, Any]] = {}
    if reuse is not None and all(splits.values()):
        known = reuse({collection: (names[collection], split.spans) for collection, split in splits.items()})
    commitments: list[Commitment] = []
    meetings: list[Meeting] = []
    crossings: list[Crossing] = []
    by_record = {}
    for collection, text in texts.items():
        problems += unread[collection]
        if text is None:
            continue
        split, name = splits[collection], names[collection]
        read = split and parse_by_record(_strip_bom(text), name, collection, split, known.get(collection, {}), progress)
        if read:
            by_record[collection] = (name, [(span.digest, span.line) for span in split.spans])
        if collection == "commitments":
            commitments, meetings = read or parse_commitments(text, name, problems, skipped)
        else:
            crossings = read[0] if read else parse_crossings(text, name, problems, skipped)
    dataset = Dataset(tuple(commitments), tuple(crossings), tuple(meetings), names["commitments"], names["crossings"])
    if not any(p.severity == "fatal" for p in problems):
        problems.extend(validate(dataset))
    return LoadResult(dataset, tuple(problems), data_dir, tuple(skipped),
                      by_record if len(by_record) == len(files) else None)


def known_party(name: str) -> bool:
    return name in provinces.PARTY_NAMES
