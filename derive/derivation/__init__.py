"""derivation."""
