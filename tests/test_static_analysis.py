"""SB-4.4, SB-5.4, SB-6.5: bandit finds nothing at medium severity or above, and no B311/B608."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bandit_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", "app", "-f", "json"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    report = json.loads(result.stdout)
    serious = [i for i in report["results"] if i["issue_severity"] in ("MEDIUM", "HIGH")]
    named = [i for i in report["results"] if i["test_id"] in ("B311", "B608", "B201")]
    found = [(i["test_id"], i["filename"], i["line_number"]) for i in serious + named]
    assert serious == [] and named == [], found
