"""The GitHub workflows cannot run here: lint them against GitHub's workflow schema and check
that they run the README's commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from book import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_workflows_match_the_github_schema():
    assert len(WORKFLOWS) == 2
    linter = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run([str(linter), "--builtin-schema", "vendor.github-workflows",
                             *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _load(name):
    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))


def _runs(workflow) -> str:
    return "\n".join(step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"])


def test_tests_workflow_runs_make_test_on_311_and_313():
    wf = _load("tests.yml")
    triggers = wf[True] if True in wf else wf["on"]   # YAML 1.1 reads the key `on` as True
    assert "push" in triggers and "pull_request" in triggers
    assert wf["jobs"]["test"]["strategy"]["matrix"]["python-version"] == ["3.11", "3.13"]
    assert "make test" in _runs(wf)


def test_pages_workflow_builds_the_book_from_main_and_deploys():
    wf = _load("pages.yml")
    triggers = wf[True] if True in wf else wf["on"]
    assert triggers["push"]["branches"] == ["main"]
    assert "make book" in _runs(wf)
    uses = [s.get("uses", "") for job in wf["jobs"].values() for s in job["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    assert any(u.startswith("actions/deploy-pages") for u in uses)
