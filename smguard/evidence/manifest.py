"""manifest.json: what was exported, by whom, and the SHA-256 of every other file; and its verification.

The manifest is written last, into the staging folder, so a bundle with a manifest is complete. It
proves the files were not changed after the export; to prove the manifest itself was not replaced,
keep its SHA-256 (printed by ``smguard export``) outside the bundle, e.g. in the audit ticket, and
give it to ``smguard verify --manifest-sha256``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smguard.evidence.errors import ManifestError

MANIFEST = "manifest.json"
BUNDLE_FORMAT = "smguard-evidence-bundle/1"
_CHUNK = 1 << 20


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
    modified: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
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

    Raises :class:`ManifestError` when there is nothing to verify against (no folder, no readable
    manifest, or a manifest whose own hash is not the one kept outside the bundle).
    """
    if not folder.is_dir():
        raise ManifestError(f"{folder} is not a folder; give the path of an evidence bundle")
    path = folder / MANIFEST
    if not path.is_file():
        raise ManifestError(f"{path} is missing: the bundle is incomplete (an export that did not finish) or not a bundle")
    manifest_sha256 = sha256_of(path)
    if expected_manifest_sha256 is not None and manifest_sha256 != expected_manifest_sha256.lower():
        raise ManifestError(
            f"{path} has SHA-256 {manifest_sha256}, not the {expected_manifest_sha256} recorded at export: the manifest was replaced"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        listed = manifest["files"]
        if manifest.get("format") != BUNDLE_FORMAT or not isinstance(listed, dict):
            raise ValueError(f"format is {manifest.get('format')!r}, expected {BUNDLE_FORMAT!r}")
        expected = {name: entry["sha256"] for name, entry in listed.items()}
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ManifestError(f"{path} is not a readable smguard manifest ({error})") from None

    result = Verification(manifest_sha256=manifest_sha256)
    present = set(bundle_files(folder))
    for name, digest in sorted(expected.items()):
        if name not in present:
            result.missing.append(name)
        elif sha256_of(folder / name) != digest:
            result.modified.append(name)
        result.checked += 1
    result.unexpected = sorted(present - set(expected)) + empty_folders(folder)
    return result


def empty_folders(folder: Path) -> list[str]:
    """Every empty folder under ``folder`` as ``name/``: a bundle has none, and it holds no file to list."""
    return sorted(
        path.relative_to(folder).as_posix() + "/"
        for path in folder.rglob("*")
        if path.is_dir() and not path.is_symlink() and not any(path.iterdir())
    )
