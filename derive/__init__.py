"""derive: a small neural network in, a complete step-by-step backpropagation derivation out."""

from __future__ import annotations

__version__ = "0.1.0"

from .backprop import derive
from .derivation import Derivation, Quantity
from .errors import DeriveError, InputError, UsageError
from .loader import load_network
from .model import Network

__all__ = [
    "Derivation",
    "DeriveError",
    "InputError",
    "Network",
    "Quantity",
    "UsageError",
    "__version__",
    "derive",
    "load_network",
]
