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
