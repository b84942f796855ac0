"""`tables.fixed_widths` gives Rich's own layout of `list`'s table, without Rich measuring.

Rich lays a table out by measuring every cell; `fixed_widths` hands it the widths of
the columns that do not wrap when it can tell what Rich would choose. These tests
print the same cells both ways on consoles of many widths and compare every byte,
colours included.
"""

from __future__ import annotations

import io

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rich.console import Console

from bbtrack.views import render, tables
from bbtrack.core.text import safe_text

# Latin, Vietnamese (NFC and combining marks), CJK (two cells), an emoji with its
# variation selector, a zero-width joiner: what changes a cell's width on a terminal.
WORD_CHARS = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzĐđƠơƯưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
                                  "0123456789-–.,:;()/") + ["\u0301", "\u0323", "友", "谊", "关", "❤", "\ufe0f", "\u200d"])
WORD = st.lists(WORD_CHARS, min_size=1, max_size=14).map("".join)
CELL = st.lists(WORD, max_size=16).map(" ".join)


@st.composite
def table_cases(draw):
    columns = draw(st.integers(2, 6))
    wrap = draw(st.integers(0, columns - 1))
    headers = [draw(WORD) for _ in range(columns)]
    rows = draw(st.lists(st.lists(CELL, min_size=columns, max_size=columns), max_size=12))
    # The wrapped column tends to hold the long text, the others short: the shape of `list`.
    for row in rows:
        for column in range(columns):
            if column != wrap and draw(st.booleans()):
                row[column] = row[column][:12]
    return headers, [[safe_text(cell) for cell in row] for row in rows], wrap


def printed(headers, cells, widths, room: int) -> str:
    out = io.StringIO()
    screen = Console(file=out, width=room, force_terminal=True, color_system="truecolor",
                     highlight=False, emoji=False, markup=False)
    styles = ["bold"] + [None] * (len(headers) - 1)
    screen.print(tables.rich_table(headers, cells, title="Tiêu đề", styles=styles, widths=widths,
                                   row_style=lambda index: ("red", None, "green")[index % 3]))
    return out.getvalue()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table_cases(), st.integers(10, 260))
@example((["Mã", "Nội dung", "Hạn"], [["SM23-1-01", "Quán triệt, triển khai toàn diện Tuyên bố chung", "2023"]], 1), 40)
def test_fixed_widths_give_richs_own_layout(table, room):
    headers, cells, wrap = table
    widths = tables.fixed_widths(headers, cells, wrap, room)
    if widths is None:
        return  # Rich measures: nothing to compare
    assert widths[wrap] is None and all(w is not None for i, w in enumerate(widths) if i != wrap)
    assert printed(headers, cells, widths, room) == printed(headers, cells, None, room)


def test_fixed_widths_on_the_edge_of_the_room():
    """The widest room that still declines, and the narrowest that answers, both print Rich's layout."""
    headers = ["Mã", "Nội dung", "Các bên", "Hạn"]
    cells = [["SM23-3-17", "Nâng cấp cặp cửa khẩu Trà Lĩnh – Long Bang thành cửa khẩu quốc tế", "Cao Bằng", "2023"],
             ["SM23-3-19", "Đẩy nhanh tiến độ xây dựng tuyến đường sắt", "Lạng Sơn, Cao Bằng", "2025-12-31"]]
    answered = [room for room in range(20, 200) if tables.fixed_widths(headers, cells, 1, room) is not None]
    first = answered[0]
    assert answered == list(range(first, 200))
    assert tables.fixed_widths(headers, cells, 1, first - 1) is None
    for room in (first - 1, first, first + 1):
        widths = tables.fixed_widths(headers, cells, 1, room)
        assert printed(headers, cells, widths, room) == printed(headers, cells, None, room)
    # And it declines no more than it must: one column narrower, Rich narrows another column too.
    given_widths = tables.fixed_widths(headers, cells, 1, first)
    assert printed(headers, cells, given_widths, first - 1) != printed(headers, cells, None, first - 1)


def test_list_table_on_a_wide_terminal_skips_measuring(shipped_dir):
    """The shipped data at 170 columns takes the layout without measuring.

    At the bench's 160 it no longer does: "chưa có thông tin cập nhật (quá hạn)", a status cell of
    36 columns, would be wider than what the titles keep, so Rich shares the room itself."""
    from bbtrack.load import listindex
    from bbtrack.load.loader import load

    # The cells `list` prints, as the list index makes them (held to the record way by test_listindex).
    index = listindex.build(load(shipped_dir).dataset)
    by_column, _ = listindex.columns(index, list(range(len(index.ids))), render._dt.date(2026, 11, 24), "vi")
    cells = [list(row) for row in zip(*by_column)]
    headers = [render.HEADERS["vi"][key] for key in ("id", "title", "parties", "crossings", "due", "status")]
    widths = tables.fixed_widths(headers, cells, 1, 170)
    assert widths is not None
    assert printed(headers, cells, widths, 170) == printed(headers, cells, None, 170)
