"""manifest.json: what was exported, by whom, and the SHA-256 of every other file; and its verification.

The manifest is written last, into the staging folder, so a bundle with a manifest is complete. It
proves the files were not changed after the export; to prove the manifest itself was not replaced,
keep its SHA-256 (printed by ``smguard export``) outside the bundle, e.g. in the audit ticket, and
give it to ``smguard verify --manifest-sha256``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smguard.evidence.errors import MalformedHashError, ManifestError

MANIFEST = "manifest.json"
BUNDLE_FORMAT = "smguard-evidence-bundle/1"
_CHUNK = 1 << 20
HASH_PREFIX = "sha256:"
"""How some tools print a digest (``sha256:<hex>``, as container registries do); accepted, any case."""
_HEX_DIGITS = re.compile(r"[0-9a-fA-F]{64}")
OS_METADATA_FILES = {
    ".DS_Store": "macOS Finder's folder view settings",
    "Thumbs.db": "Windows Explorer's thumbnail cache",
    "desktop.ini": "Windows Explorer's folder settings",
}
"""Files an operating system writes into any folder a person opens: noted by name, never verified
(they are not evidence) and not a reason to reject a bundle someone merely looked at."""


def parse_manifest_sha256(text: str) -> str:
    """The SHA-256 a person pasted, as 64 lowercase hex digits; anything else raises
    :class:`MalformedHashError` naming what is wrong, so it is never mistaken for a replaced manifest."""
    if text != text.strip() or any(c.isspace() for c in text):
        where = "starts with whitespace" if text[:1].isspace() else "ends with whitespace" if text[-1:].isspace() else "contains whitespace"
        raise MalformedHashError(f"{text!r} {where} (pasted with it?); give the 64 hexadecimal digits alone")
    digest = text[len(HASH_PREFIX):] if text.lower().startswith(HASH_PREFIX) else text
    algorithm, colon, _ = digest.partition(":")
    if colon:
        raise MalformedHashError(f"{text!r} is a {algorithm} hash; give the manifest's SHA-256 (64 hexadecimal digits, or sha256:<digits>)")
    if len(digest) != 64:
        raise MalformedHashError(f"{text!r} has {len(digest)} characters; a SHA-256 is 64 hexadecimal digits")
    if not _HEX_DIGITS.fullmatch(digest):
        wrong = next(c for c in digest if c not in "0123456789abcdefABCDEF")
        raise MalformedHashError(f"{text!r} contains {wrong!r}, not a hexadecimal digit (0-9, a-f)")
    return digest.lower()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def bundle_files(folder: Path) -> list[str]:
    """Every file of the bundle except the manifest, as POSIX paths relative to ``folder``."""
    return sorted(
        path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file() or path.is_symlink()
        if path.relative_to(folder).as_posix() != MANIFEST
    )


def write_manifest(folder: Path, description: dict[str, Any]) -> str:
    """Write manifest.json listing every file in ``folder`` with its hash; return the manifest's SHA-256."""
    files = {name: {"sha256": sha256_of(folder / name), "bytes": (folder / name).stat().st_size} for name in bundle_files(folder)}
    manifest = {"format": BUNDLE_FORMAT, **description, "files": files}
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, sort_keys=False, ensure_ascii=False) + "\n", encoding="utf-8")
    return sha256_of(path)


@dataclass
class Verification:
    """The outcome of checking a bundle against its manifest: empty lists mean intact."""

    manifest_sha256: str
    manifest_pinned: bool = False
    """Whether the manifest's own hash was compared with one kept outside the bundle."""
    modified: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    os_metadata: list[str] = field(default_factory=list)
    """Operating-system files (:data:`OS_METADATA_FILES`) found but not listed: noted, not a problem."""
    checked: int = 0

    @property
    def intact(self) -> bool:
        return not (self.modified or self.missing or self.unexpected)

    def problems(self) -> list[str]:
        return (
            [f"modified: {name} (SHA-256 differs from the manifest)" for name in self.modified]
            + [f"missing: {name} (listed in the manifest, not in the bundle)" for name in self.missing]
            + [f"unexpected: {name} (in the bundle, not listed in the manifest)" for name in self.unexpected]
        )


def verify_bundle(folder: Path, expected_manifest_sha256: str | None = None) -> Verification:
    """Recompute every hash; name every modified, missing and unexpected file, and every empty folder.

    ``expected_manifest_sha256`` is the manifest's hash kept at export (any form
    :func:`parse_manifest_sha256` accepts). Raises :class:`ManifestError` when there is nothing to
    verify against (no folder, no readable manifest, or a manifest whose own hash is not the one
    kept outside the bundle), :class:`MalformedHashError` when the given hash is no SHA-256.
    """
    pinned = None if expected_manifest_sha256 is None else parse_manifest_sha256(expected_manifest_sha256)
    if not folder.is_dir():
        raise ManifestError(f"{folder} is not a folder; give the path of an evidence bundle")
    path = folder / MANIFEST
    if not path.is_file():
        raise ManifestError(f"{path} is missing: the bundle is incomplete (an export that did not finish) or not a bundle")
    manifest_sha256 = sha256_of(path)
    if pinned is not None and manifest_sha256 != pinned:
        raise ManifestError(f"{path} has SHA-256 {manifest_sha256}, not the {pinned} recorded at export: the manifest was replaced")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        listed = manifest["files"]
        if manifest.get("format") != BUNDLE_FORMAT or not isinstance(listed, dict):
            raise ValueError(f"format is {manifest.get('format')!r}, expected {BUNDLE_FORMAT!r}")
        expected = {name: entry["sha256"] for name, entry in listed.items()}
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ManifestError(f"{path} is not a readable smguard manifest ({error})") from None

    result = Verification(manifest_sha256=manifest_sha256, manifest_pinned=pinned is not None)
    present = set(bundle_files(folder))
    for name, digest in sorted(expected.items()):
        if name not in present:
            result.missing.append(name)
        elif sha256_of(folder / name) != digest:
            result.modified.append(name)
        result.checked += 1
    unlisted = sorted(present - set(expected))
    result.os_metadata = [name for name in unlisted if name.rsplit("/", 1)[-1] in OS_METADATA_FILES]
    result.unexpected = [name for name in unlisted if name not in result.os_metadata] + empty_folders(folder)
    return result


def empty_folders(folder: Path) -> list[str]:
    """Every empty folder under ``folder`` as ``name/``: a bundle has none, and it holds no file to list."""
    return sorted(
        path.relative_to(folder).as_posix() + "/"
        for path in folder.rglob("*")
        if path.is_dir() and not path.is_symlink() and not any(path.iterdir())
    )
