"""What a python-escpos printer profile can print, read from python-escpos's own capabilities file.

Read as JSON here rather than by importing escpos.capabilities, which parses the file as YAML into a
new temporary folder in every process (about 0.2 s): the configuration is checked at start-up.
"""

from __future__ import annotations

import json
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


@cache
def _profiles() -> dict[str, Any]:
    spec = find_spec("escpos")
    assert spec is not None and spec.origin is not None
    document = json.loads((Path(spec.origin).parent / "capabilities.json").read_text(encoding="utf-8"))
    return dict(document["profiles"])


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
