"""The register tabs of the main window."""
