"""Where the data is: the folder bbtrack reads and the names of its files.

Apart from the loader so that a warm `list`, answered from the cache, finds its
folder without importing the record classes and the YAML machinery.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core.errors import NotFoundError
from ..core.i18n import _

COMMITMENTS_FILE = "commitments.yaml"
CROSSINGS_FILE = "crossings.yaml"


def find_data_dir(explicit: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Path:
    """--data-dir, else $BBTRACK_DATA, else the nearest data/ upward, else the packaged data."""
    chosen = explicit or os.environ.get("BBTRACK_DATA")
    if chosen:
        path = Path(chosen).expanduser()
        if not path.is_dir():
            raise NotFoundError(_("data folder {path} does not exist; check --data-dir / BBTRACK_DATA").format(path=path))
        return path
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "data"
        if (candidate / COMMITMENTS_FILE).is_file():
            return candidate
    return packaged_data_dir()


def packaged_data_dir() -> Path:
    package = Path(__file__).resolve().parent.parent  # bbtrack/, where the wheel puts _data
    for candidate in (package / "_data", package.parent / "data"):  # wheel, then source checkout
        if (candidate / COMMITMENTS_FILE).is_file():
            return candidate
    raise NotFoundError(_("no data folder found: pass --data-dir or set BBTRACK_DATA"))
