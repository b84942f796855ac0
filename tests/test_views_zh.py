"""What the views print to a Chinese reader, and the machine formats that stay language-free.

Run through the real app on a copy of the shipped data: names in Chinese only where the
research has them (China's side first, "?" for a weak source), provinces by their official
Chinese names, dates as 2024年5月9日, titles marked as our unofficial translation.
"""

from __future__ import annotations

import json
import re

from conftest import Cli, git

from bbtrack.core.dates import PartialDate, human
from bbtrack.views.render import due_text

TITLE_ZH = "建议将峙马—爱店口岸升格为国际口岸事宜提交第八次会议"


def ok(result):
    assert result.exit_code == 0, result.output
    return result.output


def rows(output: str) -> dict[str, str]:
    return {line.split()[0]: line for line in output.splitlines() if line.strip()}


def test_chinese_dates_and_iso_elsewhere():
    assert human(PartialDate(2024, 5, 9), "zh") == "2024年5月9日"
    assert human(PartialDate(2024, 5), "zh") == "2024年5月"
    assert human(PartialDate(2024), "zh") == "2024年"
    assert human(PartialDate(2024, 5, 9), "vi") == "2024-05-09" and human(PartialDate(2024), "en") == "2024"
    assert due_text("2023-12*", "zh") == "2023年12月*" and due_text("2023-12*", "vi") == "2023-12*"
    assert due_text("2023-12-01", "zh") == "2023年12月1日"


def test_crossings_in_chinese_name_china_first_and_invent_nothing(shipped_cli):
    table = rows(ok(shipped_cli("--lang", "zh", "crossings")))
    assert "友谊关—Hữu Nghị" in table["huu-nghi"]  # no Chinese name for the Vietnamese side: its own
    assert "峒中—横模" in table["hoanh-mo"]
    assert "浦寨?—Tân Thanh" in table["tan-thanh"]  # weak source: marked
    assert "Lộng Bình—Lũng Làn" in table["lung-lan"]  # the research found no Chinese name
    assert "河江省（现并入宣光省）" in table["lung-lan"] and "谅山省" in table["huu-nghi"]
    assert "国际口岸" in table["huu-nghi"] and "正常运行" in table["huu-nghi"]
    assert "? = 中文名称来源较弱，未经核实" in table["?"]
    data = json.loads(ok(shipped_cli("--lang", "zh", "crossings", "--format", "json")))
    huu = next(x for x in data if x["id"] == "huu-nghi")
    assert huu["province"] == "Lạng Sơn" and huu["stage"] == "operating" and huu["kind"] == "international"


def test_show_in_chinese(shipped_cli):
    out = ok(shipped_cli("--lang", "zh", "show", "SM23-3-15"))
    lines = rows(out)
    assert "谅山省、广西壮族自治区" in lines["相关方"]
    assert "2023年（纪要年度，未明确时限）" in lines["完成时限"]
    assert lines["状态"].split(None, 1)[1] == "暂无进展记录（逾期）"
    assert "  2023年10月14日  暂无进展记录 → 暂无进展记录" in out
    record = json.loads(ok(shipped_cli("show", "SM23-3-15", "--format", "json")))
    event = record["history"][0]
    # The Chinese note, or else the Vietnamese one marked as such (never the English one).
    assert (event["note_zh"] or f"（越南文）{event['note_vi']}") in out and event["note"] not in out
    assert ("中文标题" in out) == bool(record["title_zh"])  # no translation: no line claims one
    assert "title_en" not in out and record["title_en"] not in out


def test_show_in_vietnamese_labels_its_fields(shipped_cli):
    lines = rows(ok(shipped_cli("--lang", "vi", "show", "SM23-3-15")))
    assert lines["Trạng"].startswith("Trạng thái") and "Diễn" in lines
    english = rows(ok(shipped_cli("--lang", "en", "show", "SM23-3-15")))
    assert {"title_vi", "title_en", "status", "history"} <= set(english)


def test_a_chinese_title_is_shown_as_an_unofficial_translation(shipped_dir):
    path = shipped_dir / "commitments.yaml"
    # Only this record translated, whatever the shipped data holds: the others show the fallback.
    text = re.sub(r"(?m)^    title_zh:.*\n(?:      .*\n)*", "", path.read_text(encoding="utf-8"))
    anchor = "  - id: SM23-3-15\n    section: 3\n"
    assert anchor in text
    start = text.index(anchor)
    title_en = text.index("    title_en:", start)
    after = text.index("\n", title_en) + 1
    path.write_text(text[:after] + f"    title_zh: {TITLE_ZH}\n" + text[after:], encoding="utf-8")
    cli = Cli(shipped_dir)
    listed = ok(cli("--lang", "zh", "list", "--province", "Lạng Sơn"))
    assert TITLE_ZH in rows(listed)["SM23-3-15"]
    assert "Kiến nghị đưa nâng cấp" not in listed
    assert "Xây dựng cửa khẩu Hữu Nghị" in listed  # untranslated titles: in Vietnamese
    assert listed.rstrip().endswith("注：中文标题为非官方译文，仅供参考；暂无译文的，显示越南文原文。")
    assert "非官方译文" not in rows(listed)["SM23-3-15"]  # said once, under the table
    shown = rows(ok(cli("--lang", "zh", "show", "SM23-3-15")))
    assert shown["中文标题"].split(None, 1)[1] == f"{TITLE_ZH}（非官方译文，仅供参考）"
    assert "Kiến nghị" in shown["越文原文"]
    assert TITLE_ZH not in ok(cli("--lang", "vi", "list", "--province", "Lạng Sơn"))


def test_summary_by_party_names_its_column(shipped_cli):
    assert ok(shipped_cli("--lang", "vi", "summary", "--by", "party")).split()[0] == "Bên"
    out = ok(shipped_cli("--lang", "zh", "summary", "--by", "party"))
    assert out.split()[0] == "相关方" and "广西壮族自治区" in out and "合计" in out


def test_diff_and_log_say_codes_in_words_and_machine_formats_keep_them(repo):
    cli = Cli(repo / "data")
    ok(cli("status", "set", "SM23-3-15", "in_progress", "--date", "2025-02-03", "--evidence",
           "https://example.org/a", "--note", "x", "--note-vi", "y", "--note-zh", "已提交"))
    table = ok(cli("--lang", "zh", "diff"))
    assert "状态" in table and "暂无进展记录 → 正在推进" in table
    assert "2025年2月3日：暂无进展记录 → 正在推进 — 已提交" in table
    assert "chưa ghi nhận tiến triển → đang thực hiện" in ok(cli("--lang", "vi", "diff"))
    rows_ = json.loads(ok(cli("--lang", "zh", "diff", "--format", "json")))
    assert {"field": "status", "old": "open", "new": "in_progress"}.items() <= rows_[0].items()
    git(repo, "commit", "-qam", "event")
    assert ok(cli("--lang", "zh", "diff")) == "数据无变更\n"
    log = ok(cli("--lang", "zh", "log"))
    assert "2025年2月3日" in log and "已提交" in log
    events = json.loads(ok(cli("--lang", "zh", "log", "--format", "json")))
    assert events[0]["date"] == "2025-02-03" and events[0]["to"] == "in_progress"
