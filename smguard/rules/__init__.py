"""In a source checkout, ``smguard.rules`` is the repository's ``rules/`` folder.

An installed distribution maps ``rules/`` onto ``smguard/rules/`` (setup.py), so this file is
replaced by rules/__init__.py there; here it points the package's search path at the folder, so
that the catalogue imports ``smguard.rules.<rule>`` the same way from a clone.
"""

from pathlib import Path

__path__ = [str(Path(__file__).resolve().parent.parent.parent / "rules")]
