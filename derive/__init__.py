"""derive: a small neural network in, a complete step-by-step backpropagation derivation out.

The public API is imported lazily (PEP 562), so that ``derive --help`` never loads SymPy::

    from derive import load_network, derive
    d = derive(load_network("cases/blog-2-3-1.yaml"), carry="rounded")
    d["dC/dw6"].value
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name → the module that defines it
_API = {
    "derive": "derive.derivation.build",
    "Derivation": "derive.derivation.quantity",
    "Quantity": "derive.derivation.quantity",
    "DeriveError": "derive.errors",
    "InputError": "derive.errors",
    "UsageError": "derive.errors",
    "load_network": "derive.spec.load",
    "Network": "derive.spec.network",
}

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

if TYPE_CHECKING:
    from .derivation.build import derive
    from .derivation.quantity import Derivation, Quantity
    from .errors import DeriveError, InputError, UsageError
    from .spec.load import load_network
    from .spec.network import Network


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'derive' has no attribute {name!r}")
    value = getattr(import_module(_API[name]), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
