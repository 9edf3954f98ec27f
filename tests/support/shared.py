"""The project's shared sample files (``../shared/fixtures`` beside the checkout, as CI has it)."""

from __future__ import annotations

from pathlib import Path

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
ROSTER_SAMPLE = SHARED / "fixtures" / "roster_sample.xlsx"

if not ROSTER_SAMPLE.is_file():  # fail loudly at collection, never hang on a "file not found" box
    raise FileNotFoundError(f"shared fixture missing: {ROSTER_SAMPLE} (shared/ must sit beside the checkout)")
