"""Adding a rule is adding a folder: a copy of a rule folder, renamed only inside it, then
``make generate``, is deployed, documented and demonstrated with no other edit.

Runs in a copy of the repository: the folder is copied, every mention of the old rule inside it is
renamed, ``make regenerate-from-rules`` (the part of ``make generate`` that depends on the rule
folders; the rest, docs/faults.md, comes from fixed fault scenarios) runs there with this interpreter, and then the tests that hold the generated files and the
catalogue to the rule folders run there, with the new rule's own tests.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.source_tree import copy_source

EXISTING = "notebook_root_access"
NEW = "notebook_root_access_strict"
NEW_STEM = "NotebookRootAccessStrict"
"""The new rule's logical-id stem in template.yaml (smguard.deploy.naming.camel)."""
GENERATED = {"template.yaml", "docs/rules.md", "docs/demo-output.txt", "README.md"}
HOLDING_TESTS = (
    f"rules/{NEW}",
    "tests/test_catalogue.py",
    "tests/test_docgen.py",
    "tests/template/test_generated.py",
    "tests/template/test_consistency.py",
    "tests/hostile/test_coverage.py",
    "tests/cli/test_demo.py",
)
"""The new rule's own tests, those that fail when a generated file or the catalogue misses a rule folder,
and those that hold every rule to what its folder declares (tests/declared.py: the hostile suite's
needed properties, the demo's results)."""


def digests(root: Path, outside: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file() and outside not in path.parents and "__pycache__" not in path.parts and "demo-evidence" not in path.parts
    }


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    result = subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        pytest.fail(f"{' '.join(command)} exited {result.returncode}:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> Path:
    """A copy of the repository with the new folder and the generated files regenerated."""
    root = copy_source(tmp_path_factory.mktemp("adding") / "repository")
    folder = root / "rules" / NEW
    shutil.copytree(root / "rules" / EXISTING, folder)
    for path in folder.rglob("*"):
        if path.is_file():
            path.write_text(path.read_text().replace(EXISTING, NEW))
    before = digests(root, folder)
    run(["make", "--no-print-directory", "regenerate-from-rules", f"GENERATOR_PYTHON={sys.executable}"], root)
    after = digests(root, folder)
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert changed <= GENERATED, f"make generate changed more than the generated files: {sorted(changed - GENERATED)}"
    return root


def test_the_template_deploys_the_new_rule_in_both_modes(repository):
    template = (repository / "template.yaml").read_text()
    assert f"Handler: rules.{NEW}.app.lambda_handler\n" in template
    for logical_id in ("Function", "Role", "ConfigPermission", "OrganizationPermission"):
        assert f"\n  {NEW_STEM}{logical_id}:\n" in template
    # Its Config rule is declared in the conformance pack's template, which both modes deploy.
    pack = yaml.safe_load(yaml.safe_load(template)["Resources"]["ConformancePack"]["Properties"]["TemplateBody"])
    assert f"{NEW_STEM}ConfigRule" in pack["Resources"]
    assert f"{NEW_STEM}FunctionArn" in pack["Parameters"]
    assert f"\n  {NEW_STEM}AllowedLifecycleConfigs:\n" in template


def test_the_docs_and_the_demo_show_the_new_rule(repository):
    rules_md = (repository / "docs" / "rules.md").read_text()
    assert f"| [`{NEW}`](#{NEW}) | high |" in rules_md
    assert f"\n## {NEW}\n" in rules_md
    demo = (repository / "docs" / "demo-output.txt").read_text()
    assert any(line.split("│")[0].strip() == NEW for line in demo.splitlines()), "the demo's dashboard has no row for the new rule"
    readme = (repository / "README.md").read_text()
    assert any(line.split("│")[0].strip() == NEW for line in readme.splitlines()), "the README's demo excerpt has no row for the new rule"


def test_the_suite_that_holds_generated_files_to_the_folders_passes_there(repository):
    catalogue = run([sys.executable, "-c", "from smguard.catalogue import rule_names; print(*rule_names(), sep='\\n')"], repository)
    assert NEW in catalogue.stdout.splitlines()
    result = run([sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", *HOLDING_TESTS], repository)
    passed = [line.split("::")[0] for line in result.stdout.splitlines() if line.endswith(("PASSED", "]")) and " PASSED" in line]
    assert {f"rules/{NEW}/tests/test_check.py", f"rules/{NEW}/tests/test_handler.py"} <= set(passed)
    assert any(f"[{NEW}]" in line or f"-{NEW}]" in line for line in result.stdout.splitlines() if " PASSED" in line)
