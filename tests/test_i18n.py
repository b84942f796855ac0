"""One catalogue per language, complete, and the language chosen as the README says."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bbtrack.core import i18n
from conftest import ENTRY, ROOT

sys.path.insert(0, str(ROOT / "tools"))
import i18n as catalogue_tool  # noqa: E402  (tools/i18n.py)

sys.path.pop(0)


def test_every_message_is_in_every_catalogue_and_compiled():
    """A message marked in the code and missing (or fuzzy, or with other placeholders) in the
    Vietnamese or Chinese catalogue, a stale .pot or an uncompiled .mo fails here."""
    assert catalogue_tool.problems() == []


def test_a_missing_translation_is_found(tmp_path, monkeypatch):
    """The completeness check itself can fail: drop one translation from a copy."""
    locale = tmp_path / "locale"
    import shutil

    shutil.copytree(catalogue_tool.LOCALE, locale)
    monkeypatch.setattr(catalogue_tool, "LOCALE", locale)
    monkeypatch.setattr(catalogue_tool, "POT", locale / "bbtrack.pot")
    monkeypatch.setattr(catalogue_tool, "ROOT", tmp_path)
    po = locale / "zh" / "LC_MESSAGES" / "bbtrack.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "显示本帮助并退出。"', 'msgstr ""'), encoding="utf-8")
    found = catalogue_tool.problems()
    assert any("Show this message and exit." in line and "no translation" in line for line in found)


@pytest.mark.parametrize(
    "explicit, env, expected",
    [
        ("zh", {"BBTRACK_LANG": "en", "LANG": "vi_VN.UTF-8"}, "zh"),
        (None, {"BBTRACK_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
        (None, {"LANG": "zh_CN.UTF-8"}, "zh"),
        (None, {"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        (None, {"LC_MESSAGES": "vi_VN", "LANG": "en_GB"}, "vi"),
        (None, {"LANG": "fr_FR.UTF-8"}, "vi"),
        (None, {"LANG": "C.UTF-8"}, "vi"),
        (None, {}, "vi"),
        ("ZH", {}, "zh"),
        ("zh_CN", {}, "zh"),
    ],
)
def test_language_is_chosen_by_option_then_env_then_locale(explicit, env, expected):
    assert i18n.choose(explicit, env) == expected


def test_an_unknown_language_names_the_nearest(cli):
    result = cli("--lang", "zn", "list")
    assert result.exit_code == 2
    assert "'zn'" in result.output and "zh" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", [("check", "--lang", "fr"), ("--lang", "fr", "diff"), ("status", "set", "x", "done")])
def test_an_unknown_language_is_refused_by_every_command(cli, monkeypatch, args):
    """Not only the commands with a --lang of their own: check, diff and status set fell back
    to Vietnamese quietly."""
    if "--lang" not in args:
        monkeypatch.setenv("BBTRACK_LANG", "fr")
    result = cli(*args)
    assert result.exit_code == 2 and "'fr'" in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def _console(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    base = {k: v for k, v in os.environ.items() if k not in ("BBTRACK_LANG", "LANG", "LC_ALL", "LC_MESSAGES")}
    return subprocess.run([*ENTRY, *args], capture_output=True, text=True, env={**base, **(env or {})}, timeout=60)


@pytest.mark.parametrize("where", ["before", "after"])
def test_lang_is_a_global_option_before_or_after_the_command(where, shipped_dir):
    args = ["--lang", "zh", "status", "set", "--help"] if where == "before" else ["status", "set", "--help", "--lang", "zh"]
    out = _console("--data-dir", str(shipped_dir), *args).stdout
    assert out.startswith("用法：")


def test_locale_chooses_the_language_of_help():
    assert _console("--help", env={"LANG": "zh_CN.UTF-8"}).stdout.startswith("用法：")
    assert _console("--help", env={"LANG": "vi_VN.UTF-8"}).stdout.startswith("Cách dùng: ")
    assert _console("--help", env={"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}).stdout.startswith("Usage: ")
    assert _console("--help").stdout.startswith("Cách dùng: ")  # no locale: Vietnamese


def test_one_app_answers_in_every_language(cli):
    """Help is translated when written, so the languages do not leak into each other."""
    zh = cli("--lang", "zh", "--help").output
    en = cli("--lang", "en", "--help").output
    vi = cli("--help").output
    assert zh.startswith("用法：") and en.startswith("Usage: ") and vi.startswith("Cách dùng: ")
    assert "Show this message and exit." in en and "显示本帮助并退出。" in zh


def test_the_probe_finds_english(tmp_path):
    from lang_probe import english_in

    assert english_in("Cách dùng: bbtrack list [TÙY CHỌN]") == []
    assert english_in("bản ghi SM23-3-15: updated data/commitments.yaml") == ["updated"]
    assert english_in("用法：bbtrack status set --help https://example.org/show/this") == []
    assert "Show" in english_in("  -h, --help  Show this message and exit.")


@pytest.mark.parametrize("lang", ["vi", "zh"])
def test_the_catalogue_reader_answers_as_gettext_does(lang):
    """`i18n.Compiled` reads the shipped `.mo` in place of the standard library's gettext (for
    start-up time): every message, with or without context, singular and plural, and one that
    is missing, comes out the same."""
    import gettext
    import io

    with open(f"{i18n.LOCALE_DIR}/{lang}/LC_MESSAGES/bbtrack.mo", "rb") as handle:
        data = handle.read()
    ours, theirs = i18n.Compiled(data), gettext.GNUTranslations(io.BytesIO(data))
    checked = 0
    for key in theirs._catalog:
        if isinstance(key, tuple):  # a plural message: (singular, form)
            for n in (0, 1, 2, 11):
                assert ours.ngettext(key[0], key[0] + " (plural)", n) == theirs.ngettext(key[0], key[0] + " (plural)", n)
            assert ours.gettext(key[0]) == theirs.gettext(key[0])
        elif "\x04" in key:
            context, message = key.split("\x04", 1)
            assert ours.pgettext(context, message) == theirs.pgettext(context, message)
        else:
            assert ours.gettext(key) == theirs.gettext(key)
        checked += 1
    assert checked > 600
    for probe in ("not a message of bbtrack", "Options\x00x"):
        assert ours.gettext(probe) == theirs.gettext(probe) == probe
    assert ours.ngettext("one thing", "{n} things", 3) == "{n} things"


def test_a_catalogue_the_reader_does_not_read_goes_to_gettext(tmp_path):
    """Plural forms other than one, or a big-endian file, are left to the standard library."""
    import io

    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale="ru")  # three plural forms
    catalog.add(("{n} record", "{n} records"), ("{n} запись", "{n} записи", "{n} записей"))
    catalog.add("Options", "Параметры")
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    found = i18n._read_mo(buffer.getvalue())
    assert not isinstance(found, i18n.Compiled)
    assert found.ngettext("{n} record", "{n} records", 5) == "{n} записей"
    assert found.gettext("Options") == "Параметры"
    with pytest.raises(ValueError):
        i18n.Compiled(b"\x95\x04\x12\xde" + bytes(24))  # big-endian magic


def _mo(entries: list[tuple[bytes, bytes]], order: list[int], gap: int = 0) -> bytes:
    """A little-endian .mo of `entries` (table order) whose originals are written in `order`,
    `gap` bytes apart: other producers than Babel lay a file out in other ways."""
    import struct

    count = len(entries)
    at = 28 + 16 * count
    blob, offsets = b"", {}
    for index in order:
        blob += bytes(gap)
        offsets[index] = at + len(blob)
        blob += entries[index][0] + b"\x00"
    strings = []
    for original, translation in entries:
        strings.append((len(blob) + at, translation))
        blob += translation + b"\x00"
    head = struct.pack("<7I", 0x950412DE, 0, count, 28, 28 + 8 * count, 0, 0)
    keys = b"".join(struct.pack("<2I", len(entries[i][0]), offsets[i]) for i in range(count))
    values = b"".join(struct.pack("<2I", len(t), o) for o, t in strings)
    return head + keys + values + blob


@pytest.mark.parametrize("order, gap", [("table", 0), ("reversed", 0), ("table", 3), ("swapped", 0)])
def test_the_catalogue_reader_reads_originals_laid_out_any_way(order, gap):
    """`i18n.Compiled` indexes the originals by splitting them where Babel puts them (end to
    end, in the table's order); laid out otherwise, it still answers as gettext does."""
    import gettext
    import io

    entries = [
        (b"", b"Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=1; plural=0;\n"),
        (b"Options", "Tùy chọn".encode()),
        (b"column\x04id", "Mã".encode()),
        (b"{n} record\x00{n} records", "{n} bản ghi".encode()),
        (b"{n} records", "bản ghi (riêng)".encode()),  # a message that is also another's plural
        (b"{n} thing\x00{n} things", "{n} thứ".encode()),
        (b"{n} things x", b"things x"),
        (b"zz", b"ZZ"),
    ]
    positions = list(range(len(entries)))
    laid = {"table": positions, "reversed": positions[::-1], "swapped": [0, 2, 1, *positions[3:]]}[order]
    data = _mo(entries, laid, gap)
    ours, theirs = i18n.Compiled(data), gettext.GNUTranslations(io.BytesIO(data))
    for probe in ("Options", "{n} record", "{n} records", "{n} thing", "{n} things", "{n} things x", "zz", "id",
                  "z", "Option", "Options\x00x", "{n} things\x00x", ""):
        assert ours.gettext(probe) == theirs.gettext(probe), probe
        assert ours.ngettext(probe, "p", 2) == theirs.ngettext(probe, "p", 2), probe
    assert ours.pgettext("column", "id") == theirs.pgettext("column", "id") == "Mã"
    assert ours.ngettext("{n} thing", "{n} things", 1) == "{n} thứ"


def test_help_wraps_latin_text_with_the_small_pattern_as_with_the_cjk_one():
    """`helptext` cuts text with no CJK character with a pattern that is cheaper to compile:
    on such text both give the same pieces."""
    import random
    import re

    from bbtrack.cli import helptext

    full, plain = re.compile(helptext._CJK_PIECES), re.compile(helptext._PLAIN_PIECES)
    alphabet = "ab Âấđ `“”‘’()[]{}.,;:!?-—'\"\n\t\u00a0…"
    rng = random.Random(21)
    for _n in range(5000):
        text = "".join(rng.choice(alphabet) for _k in range(rng.randint(0, 40)))
        assert plain.findall(text) == full.findall(text), text
        # ... and `_plain_pieces`, which finds them without compiling the pattern, gives the same
        assert helptext._plain_pieces(text) == plain.findall(text), text
        words = text.replace("`", "x").replace("“", "y").replace("”", "z")  # its other way
        assert helptext._plain_pieces(words) == plain.findall(words), words
    assert helptext._pieces("dùng `bbtrack list` để xem") == full.findall("dùng `bbtrack list` để xem")
    chinese = "用 `bbtrack list` 查看。"
    assert helptext._pieces(chinese) == full.findall(chinese) != plain.findall(chinese)


def test_help_fills_plain_words_as_it_cuts_any_text():
    """`TranslatedWrapper` fills text of narrow words without code spans word by word (`_fill`):
    the same lines as its cutting of any text into pieces."""
    import random

    from bbtrack.cli import helptext

    rng = random.Random(23)
    words = ["a", "bộ", "nhớ", "đệm", "--data-dir", "<đường-dẫn>", "Lạng", "Sơn", "thư-mục-rất-dài-không-ngắt", "x" * 30]
    for _n in range(2000):
        text = "".join(rng.choice(words) + rng.choice([" ", "  ", "\n", " \t"]) for _k in range(rng.randint(0, 25)))
        text = rng.choice(["", " "]) + text
        wrapper = helptext.TranslatedWrapper(width=rng.randint(8, 60), initial_indent=rng.choice(["", "  ", "Ví dụ: "]),
                                             subsequent_indent=rng.choice(["", "    "]))
        assert wrapper._fill(text.split()) == wrapper._wrap_pieces(helptext._pieces(text), True), text


def test_help_counts_columns_as_the_terminal_shows_them():
    """`helptext._width` looks up only characters from U+1100 on; it equals a lookup of every
    assigned character (a CJK or full-width one takes two columns)."""
    import random
    import unicodedata

    from bbtrack.cli import helptext

    def every(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    assigned = [chr(c) for c in [*range(32, 0x3100), *range(0x4E00, 0x4F00), *range(0xFF00, 0xFF70), 0x1F600, 0x20000]
                if unicodedata.category(chr(c)) != "Cn"]
    rng = random.Random(19)
    for _n in range(3000):
        text = "".join(rng.choice(assigned) for _k in range(rng.randint(0, 16)))
        assert helptext._width(text) == every(text), text
    assert helptext._width("Tùy chọn") == 8 and helptext._width("选项：") == 6
