"""Models of the calendars domain (built by its own issue)."""
