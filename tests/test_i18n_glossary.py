"""The catalogue's domain words are the governments' own (../shared/glossary.md).

Each rule below names an English term of the catalogue and the Vietnamese and
Chinese words the glossary gives for it; a translation of a message holding the
term must use one of them. The Chinese and Vietnamese words are themselves
checked to be in the glossary, so the rules cannot drift from it. Words the
glossary rejects (便道 above all) may appear in no translation.
"""

from __future__ import annotations

import re
import sys

import pytest

from conftest import ROOT

GLOSSARY = ROOT.parent / "shared" / "glossary.md"

# (English pattern in the msgid, Vietnamese forms, Chinese forms); forms from the glossary's rows.
RULES = [
    (r"\bSpring Meeting", ["Gặp gỡ đầu Xuân"], ["新春会晤"]),
    (r"\bthe minutes\b", ["biên bản"], ["会谈纪要", "纪要"]),
    (r"\boverdue\b", ["quá hạn"], ["逾期"]),
    (r"\bunofficial translation", ["Bản dịch không chính thức", "bản dịch không chính thức"], ["非官方译文"]),
    (r"\bno update recorded\b", ["chưa có thông tin cập nhật"], ["暂无更新"]),
    (r"\bJoint Working Committee", ["Ủy ban Công tác liên hợp"], ["联合工作委员会", "联工委"]),
    (r"\bborder markets?\b", ["chợ biên giới", "cặp chợ biên mậu"], ["边民互市点", "互市点"]),
    (r"\bdedicated freight route", ["đường chuyên dụng"], ["货运专用通道"]),
    (r"\bofficial(?:ly)? open", ["mở chính thức"], ["正式开通"]),
    (r"\btrial operation\b", ["vận hành thí điểm"], ["试运营", "试运行"]),
    (r"\bcompleted late\b|\bdone late\b", ["quá hạn"], ["逾期完成"]),
    (r"\bsmart (?:border )?gate", ["cửa khẩu thông minh"], ["智慧口岸"]),
    (r"\bjoint patrol", ["tuần tra"], ["联合巡逻"]),
]
# Words the glossary says not to use (its ❌ notes and "never" rules).
FORBIDDEN_ZH = ["便道", "主要口岸", "辅助口岸", "口岸对", "边贸市场", "延期完成", "推进中", "区委书记", "会议备忘录"]
FORBIDDEN_VI = ["trễ hạn", "chưa triển khai"]

pytestmark = pytest.mark.skipif(not GLOSSARY.exists(), reason=f"{GLOSSARY} is not here (../shared)")


def _catalogue(lang: str) -> list[tuple[str, str]]:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import i18n as tool
    finally:
        sys.path.pop(0)
    pairs = []
    for message in tool._read(tool.po_path(lang), lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs.extend((ids[-1], text or "") for text in texts)
    return pairs


def test_the_rules_words_are_the_glossarys():
    glossary = GLOSSARY.read_text(encoding="utf-8")
    missing = [w for _, vi, zh in RULES for w in [*vi, *zh] if w not in glossary]
    assert not missing, f"not in the glossary: {missing}"
    assert all(w in glossary for w in FORBIDDEN_ZH if w != "推进中")  # each named there as one to avoid


@pytest.mark.parametrize("lang, column", [("vi", 1), ("zh", 2)])
def test_domain_terms_use_the_glossarys_words(lang, column):
    wrong = []
    for msgid, text in _catalogue(lang):
        msgid = re.sub(r"(?<![\w-])--?[A-Za-z][\w-]*|`[^`]*`", " ", msgid)  # option words are code
        for rule in RULES:
            if re.search(rule[0], msgid, re.IGNORECASE) and text and not any(w.lower() in text.lower() for w in rule[column]):
                wrong.append(f"{msgid!r} -> {text!r}: wants one of {rule[column]}")
    assert not wrong, "\n".join(wrong)


def test_no_rejected_word_in_any_translation():
    found = [(lang, text) for lang, words in (("zh", FORBIDDEN_ZH), ("vi", FORBIDDEN_VI))
             for _, text in _catalogue(lang) for w in words if w in text]
    assert not found, found
