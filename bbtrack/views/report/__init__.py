"""The progress report for the next Spring Meeting, in four formats.

`model.build` gathers everything the report says into a `Report` (pure: the as-of
date is passed in, git is asked only for the stamp and, with `since_rev`, the
semantic diff); one writer per format turns it into text:

- `terminal`: Rich panels, tables and bars (Rich is imported only there);
- `markdown`: GitHub-flavoured, tables padded so the pipes line up in the source
  (East-Asian-width aware), every piece of data text escaped;
- `html`: one self-contained file (inline CSS and SVG, no script, no network),
  printable on A4, every piece of data text escaped and only http(s) evidence linked;
  its markup and CSS are Jinja2 templates in `templates/`;
- `docx`: a Word document (python-docx) with headings, real tables and hyperlinks;
  binary, so `out` is a binary stream.

The headline figures come from `query.totals`/`query.summarize`, so they agree
with `bbtrack summary`. Core code: writes to the stream it is given, never
prints or exits; bad options raise `UsageError`.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, TextIO

from ...core.model import Dataset
from .model import BINARY_FORMATS, FORMATS, LANGS, TEXT, Options, build

__all__ = ["BINARY_FORMATS", "FORMATS", "LANGS", "TEXT", "Options", "build", "write"]


def write(ds: Dataset, data_dir: Path, options: Options, out: TextIO | BinaryIO) -> None:
    """Write the report in `options.fmt` to `out` (binary for `BINARY_FORMATS`); only that format's
    writer is imported."""
    report = build(ds, data_dir, options)
    if options.fmt == "terminal":
        from .terminal import write_terminal as writer
    elif options.fmt == "markdown":
        from .markdown import write_markdown as writer
    elif options.fmt == "docx":
        from .docx import write_docx as writer
    else:
        from .html import write_html as writer
    writer(report, out)
