"""derive: a small neural network in, a complete step-by-step backpropagation derivation out.

The public API (docs/api.md) is imported lazily (PEP 562), so that ``import derive`` and
``derive --help`` never load SymPy::

    import derive
    result = derive.explain("cases/blog-2-3-1.yaml", carry="rounded")
    result.values["dC/dw6"]

In Jupyter, ``%load_ext derive`` adds the ``%%derive`` cell magic (derive/api/magic.py).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name → the module that defines it
_API = {
    "explain": "derive.api",
    "check": "derive.api",
    "draw": "derive.api",
    "Explanation": "derive.api",
    "CheckReport": "derive.api",
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
    "CheckReport",
    "Derivation",
    "DeriveError",
    "Explanation",
    "InputError",
    "Network",
    "Quantity",
    "UsageError",
    "__version__",
    "check",
    "derive",
    "draw",
    "explain",
    "load_ipython_extension",
    "load_network",
]

if TYPE_CHECKING:
    from .api import CheckReport, Explanation, check, draw, explain
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


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext derive``: registers the ``%%derive`` cell magic."""
    from .api.magic import register

    register(ipython)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
