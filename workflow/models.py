"""Models of the workflow domain (built by its own issue)."""
