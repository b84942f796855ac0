"""The message catalogues: extract, update, compile, check (Babel; development only).

    uv run python tools/i18n.py update    # code -> bbtrack.pot -> vi/zh .po (new messages empty)
    uv run python tools/i18n.py compile   # .po -> .mo, which bbtrack reads at run time
    uv run python tools/i18n.py check     # what tests/test_i18n.py checks; exit 1 on a problem

Workflow for a new message: mark it in the code (`_()`, `pgettext`, `ngettext`, `N_()`;
bbtrack/core/i18n.py), run `update`, translate the empty entries of both .po files,
run `compile`, commit the four files. The files are written sorted by message and
without line numbers, so that two branches adding messages rarely touch the same
lines and a moved line of code does not rewrite the catalogue.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bbtrack"
LOCALE = PACKAGE / "locale"
POT = LOCALE / "bbtrack.pot"
TRANSLATED = ("vi", "zh")  # English is the source language
KEYWORDS = {"_": None, "N_": None, "pgettext": ((1, "c"), 2), "ngettext": (1, 2)}
METHODS = [("**/templates/**.j2", "jinja2.ext:babel_extract"), ("**.py", "python")]
# Fixed dates: the files change only when their messages do.
FIXED = _dt.datetime(2026, 1, 1, tzinfo=_dt.timezone.utc)
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}")


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "bbtrack.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def extract() -> Catalog:
    """Every marked message in the package, with the files it comes from."""
    catalog = Catalog(project="bbtrack", creation_date=FIXED, revision_date=FIXED, fuzzy=False)
    found = extract_from_dir(str(PACKAGE), METHODS, keywords=KEYWORDS, comment_tags=("i18n:",),
                             options_map={"**/templates/**.j2": {"extensions": "jinja2.ext.i18n"}})
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(f"bbtrack/{filename}", None)], auto_comments=comments, context=context)
    return catalog


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, include_lineno=False, ignore_obsolete=True)
    path.write_bytes(buffer.getvalue())


def _read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain="bbtrack")


def update() -> None:
    template = extract()
    _write(template, POT)
    for lang in TRANSLATED:
        path = po_path(lang)
        catalog = _read(path, lang) if path.exists() else Catalog(locale=lang, domain="bbtrack")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.creation_date = catalog.revision_date = FIXED
        catalog.fuzzy = False
        _write(catalog, path)


def compiled(lang: str) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, _read(po_path(lang), lang), use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> None:
    for lang in TRANSLATED:
        mo_path(lang).write_bytes(compiled(lang))


def _key(message) -> tuple:
    return (message.context, message.id)


def problems() -> list[str]:
    """Everything that makes a catalogue incomplete or stale, one line each."""
    found: list[str] = []
    wanted = {_key(m): m for m in extract() if m.id}
    template = {_key(m) for m in _read(POT) if m.id} if POT.exists() else set()
    if template != set(wanted):
        missing = sorted(str(k[1]) for k in set(wanted) - template)[:5]
        found.append(f"{POT.relative_to(ROOT)} is stale (run `tools/i18n.py update`); e.g. {missing}")
    for lang in TRANSLATED:
        path = po_path(lang)
        if not path.exists():
            found.append(f"{path.relative_to(ROOT)}: missing")
            continue
        catalog = {_key(m): m for m in _read(path, lang) if m.id}
        for key, source in sorted(wanted.items(), key=lambda kv: str(kv[0])):
            message = catalog.get(key)
            where = f"{path.relative_to(ROOT)}: {key[1]!r}" + (f" (context {key[0]})" if key[0] else "")
            strings = message.string if message is not None else None
            if not strings or (isinstance(strings, tuple) and not all(strings)):
                found.append(f"{where}: no translation")
                continue
            if message.fuzzy:
                found.append(f"{where}: marked fuzzy")
            ids = source.id if isinstance(source.id, tuple) else (source.id,)
            texts = strings if isinstance(strings, tuple) else (strings,)
            want = set(PLACEHOLDER.findall(ids[-1]))
            for text in texts:
                if set(PLACEHOLDER.findall(text)) != want:
                    found.append(f"{where}: placeholders {sorted(want)} differ in {text!r}")
        if not mo_path(lang).exists() or mo_path(lang).read_bytes() != compiled(lang):
            found.append(f"{mo_path(lang).relative_to(ROOT)} is not compiled from its .po (run `tools/i18n.py compile`)")
    return found


def main(argv: list[str]) -> int:
    verb = argv[0] if argv else "check"
    if verb == "update":
        update()
    elif verb == "compile":
        compile_all()
    elif verb == "check":
        lines = problems()
        for line in lines:
            print(line)
        print(f"{len(lines)} problem(s)", file=sys.stderr)
        return 1 if lines else 0
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
