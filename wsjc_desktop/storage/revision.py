"""The schema revision this program writes, in a module light enough for any command to import."""

from __future__ import annotations

#: The newest schema revision this program knows (checked against the migration scripts by a test).
HEAD = "0003"
