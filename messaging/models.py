"""Models of the messaging domain (built by its own issue)."""
