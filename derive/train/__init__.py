"""The NumPy trainer (BP1–BP4 over mini-batches), its data and the SGD loop: written apart from
derivation/, so that it is an independent check of the chain rule (an import test keeps it so)."""
