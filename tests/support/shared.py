"""Sample input files the tests use, kept inside the repository (``tests/fixtures``).

A fresh clone must pass its own tests with nothing beside it: no test reads a folder outside the
repository.
"""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROSTER_SAMPLE = FIXTURES / "roster_sample.xlsx"
