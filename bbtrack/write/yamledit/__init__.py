"""Byte-preserving edits of bbtrack's YAML files: splice text at node marks.

Every data edit is reviewed as a git diff, so an edit must change exactly the
lines it means to change. The file is therefore never re-serialised: the one
record being edited is located with cheap text scans, only that record's slice
is composed with PyYAML (libyaml's `CSafeLoader` when available), and new text
is spliced into the original `str` at the node marks. Everything outside the
touched lines (comments, quoting, key order, blank lines, CRLF, a BOM, other
records) is carried over unchanged, and every result is read back and compared
with what was asked for before it is returned (`validate_splice`).

Pure text in, text out: no file I/O, no printing. `storage.update_file` does
the locked read/write around these functions.

The public names are all importable from this package (`from bbtrack.write
import yamledit`); each part lives in a module of its own:

==============  ============================================================
`textpos`       line/column of an index, line ends, newline style; str or bytes
`emit`          new text: `format_scalar`, block lines for records and fields
`compose`       composing one record's slice and refusing what is in it
                (`compose.LOADER` is the loader used everywhere: set it there)
`locate`        column-0 lines, a collection's region, the record with an id
`tokens`        the whole-file check for anchors, aliases and tags
`verify`        read-back checks: `validate_splice`, `validate_append`
`splice`        the edits: `set_fields`, `append_record`, `record_ids`
`filebytes`     `FileBytes` and `Splice`: one record's edit of a file held as bytes
`entries`       inside a history: insert an entry in date order, amend or remove one
`misread`       the true reason for a refusal when a multi-line string misled the scans
`audit`         what the editor (and the merge driver) would refuse, as `check` warnings
==============  ============================================================

Why slices and not the whole file: composing a 100k-record (~40 MB) file takes
tens of seconds, locating one record by text takes milliseconds.

PyYAML facts this module is built on (each has a test in tests/test_yamledit.py):

* `Mark.index` counts code points (not bytes) in both loaders -> splice the str.
* libyaml does not count a BOM in marks, the pure loader does -> a composed
  slice never contains the BOM (it is only ever at offset 0 of the file).
* `Mark.line` counts U+2028/U+0085 as line breaks -> splice by `index` only;
  line numbers in messages are counted here as "\\n" before the index.
* the end mark of a block collection lies past trailing comments and blank
  lines -> a record ends at its deepest last leaf (`_last_leaf`).
* a record's start mark is its first key, not its "- ".
* an alias composes to the anchor's node, marks elsewhere -> refuse anchors,
  aliases and explicit tags anywhere in the file.
* duplicate keys compose silently -> refuse them in the composed record.
* a tab after "key:" loads under libyaml, not under the pure loader -> a slice
  containing a tab is composed with both and must read the same.

Invariants and where each is checked (n = file size, r = record size):

===============================================  ==========================================
invariant                                        checked by
===============================================  ==========================================
no git merge-conflict marker, no second          `_top_lines`: one regex pass over the
document (---/...), no %directive at column 0    column-0 lines of the whole text, O(n)
the collection key appears once at top level     `_top_lines` (same pass)
record id appears on exactly one record line     `_id_lines`: str.find of the id over the
of the collection                                collection, each hit's line re-matched, O(n)
no anchor, alias or tag in the whole file        `_check_file_tokens`: str.find of & * ! ;
                                                 each hit that can start a token has its
                                                 record (or top-level block) token-scanned;
                                                 a chunk that does not scan alone -> full scan
the record composes alone; no duplicate key,     `_compose_item`: compose + token scan of the
alias, non-core tag or complex key in it; its    record slice only, O(r); both loaders when
id reads back as the asked-for str; a tab         the slice holds a tab
reads the same under both loaders
after the edit: text outside the record's        `_check_splice` / `_check_append`
lines identical, blank lines and comments after  (validate_splice / validate_append): the
the record's last leaf identical, record reads   record is re-located in the new text and
back as old values + the edit, key order kept    re-composed, O(n) for the comparisons
===============================================  ==========================================

Not checked by an edit (the loader / `bbtrack check` reports them): YAML
syntax errors, duplicate keys and schema problems in *other* records.
Known limit of the text locator: a continuation line of a multi-line string
that starts at column 0 or looks like "  - x" or "id: X" is taken for a
top-level line, a record or an id line. Such a file is refused, and the refusal
names the string's line (`misread`: composed once, on the error path only),
never a missing record or another schema. `audit` answers, for `bbtrack check`,
what the editor would refuse in a file, by putting each record through it (and
through the merge driver's reading of records, `write/recordtext.py`).
"""

from .emit import BLOCK_LIST_KEYS, format_scalar
from .entries import edit_history
from .filebytes import FileBytes, Splice
from .splice import append_record, record_ids, set_fields
from .textpos import BOM
from .verify import read_record, validate_append, validate_splice

__all__ = [
    "BLOCK_LIST_KEYS", "BOM", "FileBytes", "Splice", "append_record", "edit_history", "format_scalar",
    "read_record", "record_ids", "set_fields", "validate_append", "validate_splice",
]
