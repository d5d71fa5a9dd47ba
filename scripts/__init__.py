"""Developer scripts (not imported by the application)."""
