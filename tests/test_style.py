"""The code of the course passes the linter configured in pyproject.toml (as pre-commit runs it)."""

import subprocess
import sys
from pathlib import Path

from book import ROOT


def test_ruff_passes():
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run([str(ruff), "check", "lib", "tests", "tools", "benchmarks", "_ext", "conftest.py"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
