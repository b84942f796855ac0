"""Composing one record's slice with PyYAML and refusing what the editor will not touch in it:
anchors, aliases, tags, directives, duplicate or complex keys, a tab read differently by
libyaml and the pure loader."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

import yaml
from yaml.constructor import SafeConstructor

from ...core.i18n import _
from ...core.errors import DataError, EditRefused
from ...core.problems import Source
from .textpos import _line_no, _source

# The loader used for composing. Tests switch it to `yaml.SafeLoader` to check
# that behaviour does not depend on libyaml being installed.
LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CORE_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("null", "bool", "int", "float", "str", "timestamp", "seq", "map")
)
_REFUSED_TOKENS = (yaml.AnchorToken, yaml.AliasToken, yaml.TagToken, yaml.DirectiveToken)


# --- composing one record ------------------------------------------------------------


def _other_loader(loader: type) -> type | None:
    if loader is yaml.SafeLoader:
        return getattr(yaml, "CSafeLoader", None)
    return yaml.SafeLoader


def _at(text: str | bytes, base: int, chunk: str, index: int) -> int:
    """The position in `text` of chunk[index], where chunk is text[base:...] (decoded when text is bytes)."""
    if isinstance(text, bytes):
        return base + len(chunk[:index].encode("utf-8", "surrogatepass"))
    return base + index


def _yaml_error(exc: yaml.YAMLError, text: str | bytes, base: int, filename: str, what: str,
                chunk: str = "") -> DataError:
    """A DataError at the absolute position of a YAML error raised on text[base:...] (`chunk`
    when text is bytes)."""
    index: int | None = None
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        index = mark.index if mark else None
        reason = " ".join(str(exc.problem or exc.context or "syntax error").split())
    elif isinstance(exc, yaml.reader.ReaderError):
        index = exc.position
        reason = _("character {char!r} is not allowed in YAML").format(char=exc.character)
    else:
        reason = " ".join(str(exc).split())
    source = _source(filename, text, _at(text, base, chunk, index)) if index is not None else Source(filename)
    return DataError(_("cannot read {what}: {reason}; fix the YAML (bbtrack check) first").format(
        what=what, reason=reason), source)


def _refused_tokens(chunk: str, loader: type) -> Iterator[tuple[str, int]]:
    """(message, index in chunk) of every anchor, alias, tag or directive token in `chunk`."""
    for token in yaml.scan(chunk, Loader=loader):
        if isinstance(token, _REFUSED_TOKENS):
            if isinstance(token, yaml.TagToken):
                handle, suffix = token.value
                what, fix = _("tag {tag!r}").format(tag=(handle or '') + (suffix or '')), _("remove the tag")
            elif isinstance(token, yaml.DirectiveToken):
                what, fix = _("directive %{name}").format(name=token.name), _("remove the % line")
            elif isinstance(token, yaml.AnchorToken):
                what, fix = _("anchor &{name}").format(name=token.value), _("write the value out without the anchor")
            else:
                what, fix = _("alias *{name}").format(name=token.value), _("write the value out in place of the alias")
            yield (_("YAML {what} found; bbtrack edits only files without anchors, aliases or tags ({fix})").format(
                what=what, fix=fix),
                   token.start_mark.index)


def _refuse_tokens(chunk: str, text: str | bytes, base: int, filename: str, loader: type) -> None:
    """Refuse an anchor, alias, tag or directive token in `chunk` (= text[base:...], decoded)."""
    for message, index in _refused_tokens(chunk, loader):
        raise EditRefused(message, _source(filename, text, _at(text, base, chunk, index)))


def _construct(node: yaml.Node) -> Any:
    return SafeConstructor().construct_document(node)


def _check_nodes(root: yaml.Node, text: str, base: int, filename: str) -> None:
    """Refuse duplicate keys, aliases (a node met twice), complex keys, non-core tags."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise EditRefused(_("YAML alias found; write the value out"),
                              _source(filename, text, base + node.start_mark.index))
        seen.add(id(node))
        if node.tag not in _CORE_TAGS:
            raise EditRefused(_("YAML tag {tag!r} is not allowed; remove it").format(tag=node.tag),
                              _source(filename, text, base + node.start_mark.index))
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, yaml.Node] = {}
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    raise EditRefused(_("complex mapping keys are not allowed"),
                                      _source(filename, text, base + key.start_mark.index))
                if key.value in keys:
                    first = _line_no(text, base + keys[key.value].start_mark.index)
                    raise EditRefused(_("key {key!r} appears twice (first at line {first}); keep one").format(
                        key=key.value, first=first),
                                      _source(filename, text, base + key.start_mark.index))
                keys[key.value] = key
                stack.extend((value, key))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _compose_item(text: str, start: int, end: int, filename: str, what: str) -> yaml.MappingNode:
    """Compose the record slice text[start:end] ("- key: ..." lines) and check it.

    Marks of the returned node are relative to `start`.
    """
    chunk = text[start:end]
    loader = LOADER
    try:
        root = yaml.compose(chunk, Loader=loader)
        _refuse_tokens(chunk, text, start, filename, loader)
    except yaml.YAMLError as exc:
        if "\t" in chunk and (other := _other_loader(loader)) is not None:
            _compare_loaders(chunk, text, start, filename, loader, other)
        raise _yaml_error(exc, text, start, filename, what) from None
    if "\t" in chunk and (other := _other_loader(loader)) is not None:
        _compare_loaders(chunk, text, start, filename, loader, other)
    if not isinstance(root, yaml.SequenceNode) or len(root.value) != 1:
        raise EditRefused(_("{what} is not a single '- ' list item").format(what=what), _source(filename, text, start))
    item = root.value[0]
    if not isinstance(item, yaml.MappingNode):
        raise EditRefused(_("{what} must be a mapping (key: value lines)").format(what=what),
                          _source(filename, text, start))
    _check_nodes(item, text, start, filename)
    return item


def _compare_loaders(chunk: str, text: str, start: int, filename: str, loader: type, other: type) -> None:
    """libyaml accepts tabs where the pure loader does not: both must read the slice the same."""
    results = []
    for each in (loader, other):
        try:
            results.append(_construct(yaml.compose(chunk, Loader=each)))
        except yaml.YAMLError:
            results.append(_FAILED)
    if results[0] is _FAILED and results[1] is _FAILED:
        return  # plain syntax error: reported by the caller
    if results[0] is _FAILED or results[1] is _FAILED or not _same(results[0], results[1]):
        tab = start + chunk.index("\t")
        raise EditRefused(_("a tab character here is read differently by YAML parsers; use spaces"),
                          _source(filename, text, tab))


_FAILED = object()


def _last_leaf(node: yaml.Node) -> yaml.Node:
    """The deepest last scalar/flow node: where a record's text really ends.

    The end mark of a block collection lies past trailing comments and blank
    lines; the last leaf's does not.
    """
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return node


def _is_block_scalar(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")


def _plain(value: Any) -> Any:
    """What `value` reads back as: tuples become lists, mappings dicts."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _same(left: Any, right: Any) -> bool:
    """Equality that tells True from 1, a date from a str, and key order apart."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return list(left) == list(right) and all(_same(left[key], right[key]) for key in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(_same(a, b) for a, b in zip(left, right))
    return bool(left == right)
