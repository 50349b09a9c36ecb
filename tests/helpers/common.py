"""The test actor and the sample spreadsheets every kind of test uses."""

from __future__ import annotations

from pathlib import Path

from desktop_app.core.audit import Actor

# The office-style sample spreadsheets live in the repository (tests/fixtures/samples, copied from the
# project's shared samples; make_samples.py there regenerates them), so a clone alone passes the suite.
SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"
TEST_ACTOR = Actor("tester", "测试员")
