"""Writers of tabular data for every reader: JSON and CSV for tools, an aligned plain table when
piped (no colour, no box drawing, no Rich import: ~100 ms saved), Markdown for pull requests, and a
Rich table at a terminal. Data text never reaches Rich as markup: every cell is a `rich.text.Text`,
and control/bidi characters are escaped first (`safe_text`).
"""

from __future__ import annotations

import functools
import os
import re
import sys
import unicodedata
from typing import Any, Callable, Sequence, TextIO

from ..core.text import safe_text


# --- machine formats ---------------------------------------------------------------------


def write_json(data: Any, out: TextIO) -> None:
    """`json.dumps(data, ensure_ascii=False, indent=2)`, inert on a terminal; a list is
    written item by item.

    One dumps of 100k records builds millions of small strings before the
    first byte is written (770 MB peak); item by item, the same text costs
    the records' own memory. A raw newline never occurs inside a JSON string,
    so indenting an item's lines nests it exactly as the whole dumps would.
    Callers pass plain rows built beforehand: an item that cannot be encoded
    would be a bug, and would leave the items before it written.
    """
    import json  # not on the table path

    if not isinstance(data, list) or not data:
        out.write(_json_inert(json.dumps(data, ensure_ascii=False, indent=2)) + "\n")
        return
    out.write("[\n")
    last = len(data) - 1
    for index, item in enumerate(data):
        text = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        out.write(f"  {_json_inert(text)}{',' if index < last else ''}\n")
    out.write("]\n")


def _json_inert(text: str) -> str:
    # json leaves C1 controls (U+009B is CSI on some terminals), bidi overrides and line
    # separators raw; escaped, they parse to the same text but cannot act on a terminal.
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """Flatten and defuse: lists joined by "; ", and a leading = + - @ quoted with '
    so a spreadsheet shows text instead of running a formula."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = safe_text(str(value))
    # Spreadsheets skip leading blanks before deciding a cell is a formula.
    stripped = text.lstrip()
    if stripped.startswith(_FORMULA_START) and not _is_number(stripped):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_csv(rows: Sequence[dict[str, Any]], out: TextIO, columns: Sequence[str] | None = None) -> None:
    import csv

    columns = list(columns or (rows[0].keys() if rows else []))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(col)) for col in columns])


# --- human tables -----------------------------------------------------------------------


class _CharWidths(dict):
    """Per-character memo: two unicodedata calls per character were 80 % of a 100k-row table."""

    def __missing__(self, ch: str) -> int:
        w = 0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        self[ch] = w
        return w


_CHAR_WIDTHS = _CharWidths()


@functools.cache
def _not_one_column() -> re.Pattern[str]:
    """Latin up to U+02FF, Latin Extended Additional (precomposed Vietnamese, NFC) and
    the punctuation of U+2000-U+2064 (– “ ” …) hold no combining mark and no wide
    character: `_CHAR_WIDTHS` counts each as one column (a test checks every one). The
    definition `_one_column` answers without compiling it (tests/test_hostile.py holds the two
    together for every character); the program itself never builds this class."""
    return re.compile("[^\x00-\u02ff\u1e00-\u1eff\u2000-\u2064]")


def width(text: str) -> int:
    """Columns a string takes in a terminal: 中文 is two wide, combining marks zero."""
    if _one_column(text):  # ids, dates, NFC Vietnamese
        return len(text)
    return sum(map(_CHAR_WIDTHS.__getitem__, text))


def _pad(text: str, size: int) -> str:
    return text + " " * (size - width(text))


_BLOCK = 4096  # rows padded at a time: column-wise speed without holding every padded cell


def write_plain(headers: Sequence[str], rows: Sequence[Sequence[str]], out: TextIO) -> None:
    """Aligned columns, two spaces apart; stable for grep/awk and diffing."""
    write_plain_columns(headers, [list(column) for column in zip(*rows)] if rows else [[] for _ in headers], out)


def write_plain_columns(headers: Sequence[str], by_column: Sequence[list[str]], out: TextIO) -> None:
    """`write_plain` for cells held column by column (`listindex` builds them so)."""
    columns = [[header, *column] for header, column in zip(headers, by_column)]
    widths: list[list[int] | None] = []  # None: every cell of the column is as wide as it is long
    sizes = []
    # Column by column: one check of a whole column's text spares 75k per-cell calls at 100k records.
    for column in columns:
        if not _every_block(column[1:], str.isprintable):
            column[1:] = map(safe_text, column[1:])
        if _every_block(column, _one_column):
            widths.append(None)
            sizes.append(max(map(len, column)))
        else:
            widths.append(list(map(width, column)))
            sizes.append(max(widths[-1]))
    for start in range(0, len(columns[0]), _BLOCK):
        block = []
        for column, cell_widths, size in zip(columns, widths, sizes):
            cells = column[start:start + _BLOCK]
            if cell_widths is None:
                block.append([cell.ljust(size) for cell in cells])
            else:
                block.append([cell + " " * (size - w) for cell, w in zip(cells, cell_widths[start:start + _BLOCK])])
        # One write a block: line by line, the text layer encodes 75k small strings at 100k records.
        out.write("".join(["  ".join(row).rstrip() + "\n" for row in zip(*block)]))


def _every_block(cells: list[str], test: Callable[[str], bool]) -> bool:
    """`test` holds for the text of all cells, joined a block at a time (a 100k-row title
    column joined at once would be 15 MB more at the peak)."""
    return all(test("".join(cells[start:start + _BLOCK])) for start in range(0, len(cells), _BLOCK))


def _one_column(text: str) -> bool:
    """Every character of `text` takes exactly one column (see `width`): none outside
    `_not_one_column`'s ranges, found on the UTF-16 bytes without compiling the pattern
    (~3.6 M instructions, half of what the terminal `list` added with its translations)."""
    if text.isascii():
        return True
    units = text.encode("utf-16", "surrogatepass")[2:]  # after the byte-order mark, in this machine's order
    high, low = (units[1::2], units[0::2]) if sys.byteorder == "little" else (units[0::2], units[1::2])
    if high.translate(None, b"\x00\x01\x02\x1e\x20"):
        return False
    # In U+2000-U+20FF, only up to U+2064: no character whose high byte is 20 and low above 64.
    return not (int.from_bytes(high.translate(_IS_20), "little") & int.from_bytes(low.translate(_ABOVE_64), "little"))


_IS_20 = bytes(255 if byte == 0x20 else 0 for byte in range(256))
_ABOVE_64 = bytes(255 if byte > 0x64 else 0 for byte in range(256))


def write_markdown(headers: Sequence[str], rows: Sequence[Sequence[str]], out: TextIO) -> None:
    """A GitHub-flavoured table, padded so the source is aligned too."""

    def esc(text: str) -> str:
        return safe_text(text).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")

    cells = [[esc(c) for c in row] for row in rows]
    heads = [esc(h) or " " for h in headers]
    sizes = [max(3, width(h)) for h in heads]
    for row in cells:
        sizes = [max(s, width(c)) for s, c in zip(sizes, row)]
    out.write("| " + " | ".join(_pad(h, s) for h, s in zip(heads, sizes)) + " |\n")
    out.write("| " + " | ".join("-" * s for s in sizes) + " |\n")
    for row in cells:
        out.write("| " + " | ".join(_pad(c, s) for c, s in zip(row, sizes)) + " |\n")


def is_terminal(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


def console(out: TextIO, width: int | None = None):
    from rich.console import Console

    # NO_COLOR (no-color.org): Rich alone would drop colour but keep bold and dim escapes;
    # without a colour system it keeps the table's layout and emits no escape at all.
    plain = bool(os.environ.get("NO_COLOR"))
    return Console(file=out, highlight=False, emoji=False, markup=False, width=width,
                   color_system=None if plain else "auto")


def write_rich(headers: Sequence[str], rows: Sequence[Sequence[str]], out: TextIO, *,
               title: str | None = None, styles: Sequence[str | None] | None = None,
               row_style: Callable[[int], str | None] | None = None, wrap: int | None = None) -> None:
    """`row_style(index)` is asked only here: plain output never pays for styles.

    `wrap`: the column meant to take what room is left (a title), when the
    others are short; see `fixed_widths`.
    """
    cells = [[safe_text(cell) for cell in row] for row in rows]
    screen = console(out)
    widths = fitted_widths(headers, cells, wrap, screen.width)
    if widths is None:
        write_stacked(headers, cells, out, screen.width, title=title)
        return
    screen.print(rich_table(headers, cells, title=title, styles=styles, row_style=row_style, widths=widths))


MIN_WRAP = 20  # a title column narrower than this is a word a line: the stacked layout reads better


def fitted_widths(headers: Sequence[str], cells: Sequence[Sequence[str]], wrap: int | None,
                  room: int) -> list[int | None] | None:
    """Widths for a Rich table in `room` columns that cuts no cell mid-word, or
    None when there is none (the caller stacks the records instead).

    Cells keep their widest line whole: Rich would otherwise fold ids, dates and
    URLs anywhere (`road-1119-11|20`). Headers may wrap between words; the
    `wrap` column (a title) may wrap between words if it keeps `MIN_WRAP`
    columns. Room left over goes first to unwrapping headers, then to `wrap`.
    """
    from rich.cells import cell_len

    def longest_word(text: str) -> int:
        return max(map(cell_len, text.split()), default=0)

    count = len(headers)
    widest = [max((cell_len(row[column]) for row in cells), default=0) for column in range(count)]
    natural = [max(cell_len(headers[column]), widest[column]) for column in range(count)]
    frame = (count + 1) + 2 * count  # SIMPLE_HEAD's edges and separators, and padding 1 + 1
    if sum(natural) + frame <= room:
        return (fixed_widths(headers, cells, wrap, room) if wrap is not None else None) or [None] * count
    least = [max(longest_word(headers[column]), widest[column]) for column in range(count)]
    if wrap is not None:
        words = max((longest_word(row[wrap]) for row in cells), default=0)
        least[wrap] = min(natural[wrap], max(MIN_WRAP, words, longest_word(headers[wrap])))
    left = room - frame - sum(least)
    if left < 0:
        return None
    sizes = list(least)
    for column in [c for c in range(count) if c != wrap] + ([wrap] if wrap is not None else []):
        more = min(left, natural[column] - sizes[column])
        sizes[column] += more
        left -= more
    return sizes


def write_stacked(headers: Sequence[str], cells: Sequence[Sequence[str]], out: TextIO, room: int, *,
                  title: str | None = None) -> None:
    """One block per record, for a terminal narrower than the table: the first cell
    as the block's heading, then one `label  value` line per non-empty cell, values
    wrapped between words. A word wider than the value column (a URL) starts its
    own line at the margin, whole: split, it could be neither clicked nor copied.
    """
    labels = [safe_text(h) for h in headers[1:]]
    label_size = max(map(width, labels), default=0)
    indent = 2 + label_size + 2
    if room - indent < MIN_WRAP:  # too narrow for labels beside values: labels above them
        indent = 4
    lines = [*wrap_words(safe_text(title), room), ""] if title else []
    for index, row in enumerate(cells):
        if index:
            lines.append("")
        lines.extend(wrap_words(row[0], room))
        for label, cell in zip(labels, row[1:]):
            if not cell:
                continue
            values = wrap_words(cell, room - indent)
            if indent == 4:
                lines.append(f"  {label}")
            elif width(values[0]) <= room - indent:
                lines.append(f"  {_pad(label, label_size)}  {values.pop(0)}".rstrip())
            else:
                lines.append(f"  {label}")
            lines.extend(" " * indent + value if width(value) <= room - indent else value for value in values)
    out.write("".join(line + "\n" for line in lines))


def terminal_columns() -> int:
    """`shutil.get_terminal_size().columns`, read the same way (COLUMNS, then the terminal, then 80)
    without importing shutil, which imports bz2, lzma and zlib: ~2.5 ms of a `list` on a terminal."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def wrap_words(text: str, size: int) -> list[str]:
    """`text` in lines of at most `size` columns, broken only between words; a
    longer word is a line of its own, whole."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and width(line) + 1 + width(word) <= size:
            line += " " + word
            continue
        if line:
            lines.append(line)
        line = word
    lines.append(line)
    return lines


def rich_table(headers: Sequence[str], cells: Sequence[Sequence[str]], *, title: str | None = None,
               styles: Sequence[str | None] | None = None, row_style: Callable[[int], str | None] | None = None,
               widths: Sequence[int | None] | None = None):
    """The Rich table of terminal-safe `cells`; a column with a width is not measured."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, title=Text(title) if title else None, show_lines=False)
    for index, header in enumerate(headers):
        table.add_column(Text(header), style=(styles[index] if styles else None), overflow="fold",
                         width=widths[index] if widths else None)
    for index, row in enumerate(cells):
        table.add_row(*(Text(cell) for cell in row), style=row_style(index) if row_style else None)
    return table


def fixed_widths(headers: Sequence[str], cells: Sequence[Sequence[str]], wrap: int,
                 room: int) -> list[int | None] | None:
    """Column widths for Rich that spare it measuring every cell of the columns
    that do not wrap — a third of laying out `list`'s table — or None.

    Rich measures each cell (Measurement.get per cell, twice when the table is
    too wide) to give every column its widest line, then narrows the widest
    columns until the table fits. When the `wrap` column is the only one
    narrowed and stays at least as wide as every other, that layout is the
    other columns at their widest and `wrap` in the rest: the widths given
    here. Otherwise (a narrow terminal) Rich shares the room itself. Cells hold
    no newline (`safe_text`), so a cell's width is its `cell_len`.
    tests/test_render_widths.py holds the two layouts equal.
    """
    from rich.cells import cell_len

    natural = [max(cell_len(headers[column]), max((cell_len(row[column]) for row in cells), default=0))
               for column in range(len(headers))]
    others = natural[:wrap] + natural[wrap + 1:]
    # SIMPLE_HEAD draws an edge each side and a separator between columns; each column is padded 1 + 1.
    left = room - (len(headers) + 1) - 2 * len(headers) - sum(others)
    if left < max(others, default=0):
        return None
    return [None if column == wrap else width for column, width in enumerate(natural)]


RICH_MAX_ROWS = 500  # above this, a terminal gets the plain (piped) table


def too_long_for_rich(row_count: int, out: TextIO) -> bool:
    """Rich lays a table out at ~1 ms a row: 10k rows would be seconds of waiting."""
    return row_count > RICH_MAX_ROWS and is_terminal(out)


def _plain_table(fmt: str, row_count: int, out: TextIO) -> bool:
    return fmt != "markdown" and not (is_terminal(out) and row_count <= RICH_MAX_ROWS)


def write_table(fmt: str, headers: Sequence[str], rows: Sequence[Sequence[str]], out: TextIO, **rich_opts) -> None:
    if _plain_table(fmt, len(rows), out):
        write_plain(headers, rows, out)
    elif fmt == "markdown":
        write_markdown(headers, rows, out)
    else:
        write_rich(headers, rows, out, **rich_opts)


def write_table_columns(fmt: str, headers: Sequence[str], columns: Sequence[list[str]], out: TextIO,
                        **rich_opts) -> None:
    """`write_table` for cells held column by column: the plain table reads them as they are."""
    if _plain_table(fmt, len(columns[0]), out):
        write_plain_columns(headers, columns, out)
    else:
        write_table(fmt, headers, list(zip(*columns)), out, **rich_opts)
