"""What a python-escpos printer profile can print, read from python-escpos's own capabilities file.

Read as JSON here rather than by importing escpos.capabilities, which parses the file as YAML into a
new temporary folder in every process (about 0.2 s): the configuration is checked at start-up.
"""

from __future__ import annotations

import json
import os
import pickle
import platform
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ProfileFacts:
    name: str
    columns: int  # characters per line in font A
    code_pages: frozenset[str]
    native_qr: bool
    barcodes: bool


def _capabilities_file() -> Path:
    spec = find_spec("escpos")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent / "capabilities.json"


@cache
def _capabilities() -> dict[str, Any]:
    return dict(json.loads(_capabilities_file().read_text(encoding="utf-8")))


def _profiles() -> dict[str, Any]:
    return dict(_capabilities()["profiles"])


def use_capabilities_cache() -> None:
    """Point python-escpos at a cache of its parsed capabilities, written whole, before it is imported.

    Left alone, each process that imports escpos.capabilities makes a new temporary folder and parses
    the file as YAML (0.3 s here), and a cache it wrote itself could be read half-written by a second
    till starting at the same moment. The cache is written to a temporary file and renamed into place.
    Does nothing when ESCPOS_CAPABILITIES_PICKLE_DIR is already set, or the cache folder cannot be made.
    """
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" in os.environ:
        return
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "makers-till" / "escpos"
    target = folder / f"{platform.python_version()}.capabilities.pickle"
    try:
        if not target.exists() or target.stat().st_mtime < _capabilities_file().stat().st_mtime:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, delete=False) as partial:
                pickle.dump(_capabilities(), partial, protocol=2)
            os.replace(partial.name, target)
    except OSError:
        return
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(folder)


def known_profiles() -> list[str]:
    return sorted(_profiles())


def profile_facts(name: str) -> ProfileFacts | None:
    """The facts of profile `name`, or None when python-escpos has no such profile."""
    data = _profiles().get(name)
    if data is None:
        return None
    features = data.get("features", {})
    return ProfileFacts(
        name=name,
        columns=int(data["fonts"]["0"]["columns"]),
        code_pages=frozenset(str(page) for page in data.get("codePages", {}).values()),
        native_qr=bool(features.get("qrCode")),
        barcodes=bool(features.get("barcodeB") or features.get("barcodeA")),
    )
