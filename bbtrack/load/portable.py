"""What PyYAML reads but YAML 1.2 readers reject: a data repository stays readable by the
tools of its users (ruamel, yq, editors), not only by bbtrack."""

from __future__ import annotations

import re
from typing import Any

from ..core.i18n import _
from ..core.problems import Problem, Source

_BLOCK_HEADER = re.compile(r"[|>][0-9+-]*")


def glued_comment(text: str, node: Any, name: str) -> Problem | None:
    """A '#' right after a quoted value, a flow collection or a block indicator ("x"#, >#):
    a comment to PyYAML, an error to YAML 1.2 parsers. `text` is what `node` was composed from."""
    style = getattr(node, "style", None)
    if style in ("|", ">"):  # the mark is the indicator's, or a tag's or anchor's before it
        header = _BLOCK_HEADER.match(text, node.start_mark.index)
        at = header.end() if header else -1
    elif style in ('"', "'") or getattr(node, "flow_style", False):
        at = node.end_mark.index
    else:
        return None
    if at < 0 or text[at:at + 1] != "#":
        return None
    return Problem(Source(name, text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)), "glued-comment",
                   _("'#' right after a value: other YAML tools (ruamel, yq, editors) reject the file; "
                     "put a space before the '#'"), "warning")
