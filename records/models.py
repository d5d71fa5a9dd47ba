"""Records live in tables generated from metadata; this app has no Django models of its own."""
