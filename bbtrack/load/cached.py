"""The data folder as commands read it: the loader, wrapped by the parse cache.

The loader parses and knows nothing of caching; the cache stores and checks
entries and knows nothing of YAML; this module puts one around the other, and
hands the cache the builder of `list`'s index (`views.listindex`), which the
cache stores beside the records without knowing what it is.
"""

from __future__ import annotations

from pathlib import Path

from . import loader


def load(data_dir: Path, *, use_cache: bool = True, progress: loader.Progress | None = None) -> loader.LoadResult:
    """The folder's records, from the parse cache when it is provably fresh.
    `progress` is told how far a parse is (`loader.parse_folder`)."""
    if not use_cache:
        return loader.parse_folder(data_dir, progress=progress)
    import functools

    from ..views.listindex import parts
    from .cache import cached_load

    return cached_load(data_dir, functools.partial(loader.parse_folder, progress=progress), parts)
