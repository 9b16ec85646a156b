"""The distribution's packages, computed so that adding a rule folder needs no packaging edit.

smguard's own packages, and every rule folder under rules/ as ``smguard.rules.<rule>`` (rules/ is
mapped onto smguard/rules/): the distribution claims no top-level name but ``smguard``. Tests are
left out, the rule folders' ``tests`` packages included. Everything else is in pyproject.toml.
"""

from setuptools import find_packages, setup

TESTS = ["tests", "tests.*", "*.tests", "*.tests.*"]

setup(
    packages=[
        *find_packages(include=["smguard", "smguard.*"], exclude=["smguard.rules", "smguard.rules.*", *TESTS]),
        "smguard.rules",
        *(f"smguard.rules.{name}" for name in find_packages("rules", exclude=TESTS)),
    ],
    package_dir={"smguard.rules": "rules"},
)
