"""render.reports."""
