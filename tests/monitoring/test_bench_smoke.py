"""bench/monitoring_rollups.py runs end to end, and its equality check can fail.

Issue 5's "rollups at least 10x faster than a raw GROUP BY" is only worth something if the
two sides count the same thing: the script compares their tables and exits 1 when they differ.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "monitoring_rollups.py"


def load_script():
    spec = importlib.util.spec_from_file_location("bench_monitoring_rollups", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


def small_run(tmp_path: Path) -> list[str]:
    return [
        *("--database-url", f"sqlite:///{tmp_path / 'bench.db'}"),
        *("--concerns", "2000", "--persons", "300", "--repeat", "2"),
        *("--output", str(tmp_path / "result.json")),
    ]


def test_rollup_tables_equal_the_raw_group_by(tmp_path, capsys):
    assert load_script().main(small_run(tmp_path)) == 0

    result = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert result["dialect"] == "sqlite"
    assert result["equal"] == {"by category": True, "by age band x gender": True}
    assert result["queries"]["raw by category"]["rows"] > 20  # the quarter holds data
    assert set(result["ratios"]) == {"by category", "by age band x gender"}
    printed = capsys.readouterr().out
    assert "raw / rollup by category" in printed
    assert "equal: True" in printed


def test_a_rollup_missing_one_concern_fails_the_run(tmp_path, capsys):
    script = load_script()
    honest = script.facts
    # The facts come in date order: the last one lies in the timed (last) quarter.
    script.facts = lambda *args: list(honest(*args))[:-1]

    assert script.main(small_run(tmp_path)) == 1

    result = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert result["equal"]["by category"] is False
    assert "DISAGREE" in capsys.readouterr().err
