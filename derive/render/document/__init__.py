"""render.document."""
