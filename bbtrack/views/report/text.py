"""The report's own words, in English, marked for the catalogue and translated where shown
(`TEXT[lang][key]`, as `core.vocab.Labels` does for the views' tables). Counts go through
`ngettext` (`counted`); the section titles of the minutes, the meeting's title in Chinese
and the dates a Chinese reader writes are here too, so every format asks one place.
"""

from __future__ import annotations

import datetime as _dt

from ...core.dates import PartialDate, human
from ...core.i18n import ngettext, pgettext
from ...core.vocab import Label, Labels

# Section headings of the minutes (data/minutes/…: "1. Tăng cường giao lưu …"); 0 is the preamble.
# i18n: the headings of the signed minutes' sections; the Vietnamese is the minutes' own text.
SECTION_TITLES = {
    "SM23": Labels("section", {
        0: pgettext("section", "Preamble: the November 2022 Joint Statement and the 2022–2026 friendship memorandum",
                    "en"),
        1: pgettext("section", "Closer cooperation between local Party committees", "en"),
        2: pgettext("section", "More high-level friendly exchanges", "en"),
        3: pgettext("section", "Cooperation in key fields", "en"),
        4: pgettext("section", "More cultural and social exchanges", "en"),
        5: pgettext("section", "Building a peaceful and stable border together", "en"),
    }),
}

TEXT = Labels("report", {
    "title": pgettext("report", "Progress report on the Spring Meeting minutes", "en"),
    "as_of": pgettext("report", "Data as of", "en"),
    "as_of_note": pgettext("report", "the date of the latest recorded event", "en"),
    "no_event_yet": pgettext("report", "no event recorded", "en"),
    "generated": pgettext("report", "Generated on", "en"),
    "standing": pgettext("report", "Standing on", "en"),
    "data": pgettext("report", "Data", "en"),
    "commit": pgettext("report", "commit {hash}", "en"),
    "dirty": pgettext("report", "uncommitted changes", "en"),
    "not_in_git": pgettext("report", "not in git", "en"),
    "scope": pgettext("report", "Scope", "en"),
    "scope_all": pgettext("report", "all five parties", "en"),
    "due_only": pgettext("report", "only actions due {basis}", "en"),
    "headline": pgettext("report", "Headline figures", "en"),
    "total": pgettext("report", "Commitments", "en"),
    "total_short": pgettext("report", "Total", "en"),
    "completion": pgettext("report", "One-off actions done", "en"),
    "completion_note": pgettext("report", "share of one-off (deliverable) actions done", "en"),
    "no_update": pgettext("report", "No update recorded", "en"),
    "no_update_detail": pgettext("report", "{continuing} continuing duties · {deliverable} one-off actions", "en"),
    "on-time": pgettext("report", "Done on time", "en"),
    "late": pgettext("report", "Done late", "en"),
    "overdue": pgettext("report", "Still open past due", "en"),
    "basis_detail": pgettext("report", "{minutes} against a date in the minutes · {programme} against the programme year",
                             "en"),
    "timing_note": pgettext("report", "against each action's due period in the Due column", "en"),
    "status": pgettext("report", "Status", "en"),
    "count": pgettext("report", "Count", "en"),
    "share": pgettext("report", "Share", "en"),
    "chart": pgettext("report", "Chart", "en"),
    "by_party": pgettext("report", "By party", "en"),
    "party": pgettext("report", "Party", "en"),
    "joint": pgettext("report", "Joint commitments of all five parties", "en"),
    "section": pgettext("report", "Section {n}", "en"),
    "id": pgettext("report", "id", "en"),
    "what": pgettext("report", "Commitment", "en"),
    "parties": pgettext("report", "Parties", "en"),
    "due_col": pgettext("report", "Due", "en"),
    "last_event": pgettext("report", "Last event", "en"),
    "evidence": pgettext("report", "Evidence", "en"),
    "none": pgettext("report", "none yet", "en"),
    "weak": pgettext("report", "weak source", "en"),
    "crossings": pgettext("report", "Crossings: the opening and upgrade ladder", "en"),
    "crossings_note": pgettext("report", "One row per crossing pair; a ↳ row is a passage or road of the pair above "
                                         "it. Filled cells are the rungs reached, up to the current stage.", "en"),
    "pair": pgettext("report", "Crossing pair", "en"),
    "stage": pgettext("report", "Stage", "en"),
    "reached": pgettext("report", "reached", "en"),
    "reached_since": pgettext("report", "reached in the period", "en"),
    "not_reached": pgettext("report", "not reached", "en"),
    "suspended": pgettext("report", "suspended", "en"),
    "events_since": pgettext("report", "Events since {date}", "en"),
    "events_all": pgettext("report", "Events since the meeting", "en"),
    "no_events": pgettext("report", "No events recorded in the period.", "en"),
    "date": pgettext("report", "Date", "en"),
    "record": pgettext("report", "Record", "en"),
    "change": pgettext("report", "Change", "en"),
    "note": pgettext("report", "Note", "en"),
    "timeline": pgettext("report", "Timeline", "en"),
    "changes": pgettext("report", "Data changes from {rev} to the current version", "en"),
    "no_changes": pgettext("report", "No changes to the data.", "en"),
    "field": pgettext("report", "Field", "en"),
    "detail": pgettext("report", "Detail", "en"),
    "legend": pgettext("report", "Legend", "en"),
    "crossing_events": pgettext("report", "crossings", "en"),
    "via_markers": pgettext("report", "via markers {markers}", "en"),
    # i18n: shown in Chinese only: the Chinese titles are ours, not the signed Chinese text (glossary T9); said once a report.
    "title_zh_note": pgettext("report", "Titles are an unofficial translation, for reference only.", "en"),
    # i18n: the meeting's title where the data has none in the reader's language (glossary A:
    # 2023年新春会晤会谈纪要).
    "meeting_title": pgettext("report", "Minutes of the {year} Spring Meeting", "en"),
    # paper (HTML print and Word): where the shared records are printed
    "shared": pgettext("report", "{party}'s commitments shared with one province are printed in that province's part",
                       "en"),
    "what_happened": pgettext("report", "Records: change. Note — sources", "en"),
    "sources": pgettext("report", "Source addresses", "en"),
})

WEAK = Label("report", TEXT.english["weak"])


def counted(key: str, n: int, lang: str, **values: object) -> str:
    """A sentence with a count in it, in the plural form of `lang` for `n`."""
    forms = {
        "commitments": lambda: ngettext("{n} commitment", "{n} commitments", n, lang),
        "own": lambda: ngettext("{own} own commitment below", "{own} own commitments below", n, lang),
        "joint": lambda: ngettext("; {joint} joint one in", "; {joint} joint ones in", n, lang),
        "own_shown": lambda: ngettext("{own} own commitment: {here} below, {there} in the provinces' parts",
                                      "{own} own commitments: {here} below, {there} in the provinces' parts", n, lang),
        "timing_minutes": lambda: ngettext("{n} with a date the minutes give", "{n} with a date the minutes give",
                                           n, lang),
        "timing_programme": lambda: ngettext(
            "{n} with only the programme year {years}, no deadline of its own in the minutes",
            "{n} with only the programme year {years}, no deadline of their own in the minutes", n, lang),
        "timing_unknown": lambda: ngettext("{n} whose basis is not recorded", "{n} whose basis is not recorded",
                                           n, lang),
    }
    return forms[key]().format(n=n, **values)


def date_text(value: PartialDate | _dt.date | str | None, lang: str) -> str:
    """A date as the reader writes it: 2024年5月9日 in Chinese, the ISO text otherwise."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return human(value, lang)
