"""One renderer per command result: check, verify and train tables, and the cost plot."""
