"""The grammar of quantity names, built and parsed here and nowhere else.

    dC/dw6    the gradient of C with respect to w6     gradient("w6") = partial("C", "w6")
    dO3/dz3   any partial derivative                   partial("O3", "z3"); split_partial(...)
    new_w6    w6 after one gradient-descent step       updated("w6"); updated_param(...)
    O3[2]     a quantity of example 2 of several        per_example("O3", 2); split_example(...)
    eta       the learning rate η
    dC0/dw6   the gradient of the cost before regularization   data_gradient("w6")
    lambda    the L2 regularization strength λ; C0 the cost before it
    v_w6      w6's velocity before the step (momentum μ = mu); new_v_w6 after it

These ASCII names are the project's names everywhere: terminal, JSON, LaTeX and the checker.
How weights, biases, sums and activations are numbered is the notation's business
(spec/notation.py).
"""

from __future__ import annotations

from functools import cache

ETA = "eta"
LAMBDA = "lambda"
MU = "mu"
DATA_COST = "C0"
_NEW = "new_"
_VELOCITY = "v_"
_GRADIENT = "dC/d"
_GREEK = {ETA: "η", LAMBDA: "λ", MU: "μ"}


def partial(num: str, den: str) -> str:
    return f"d{num}/d{den}"


def gradient(param: str) -> str:
    return partial("C", param)


def updated(param: str) -> str:
    return _NEW + param


def data_gradient(param: str) -> str:
    """∂C0/∂param: the chain rule's part of a weight's gradient when the cost is regularized."""
    return partial(DATA_COST, param)


def velocity(param: str) -> str:
    return _VELOCITY + param


def moved_param(name: str) -> str:
    """The parameter an update moves: 'v_w6' (its velocity) → 'w6', 'w6' → 'w6'."""
    return name.removeprefix(_VELOCITY) if name.startswith(_VELOCITY) else name


def per_example(name: str, example: int | None) -> str:
    """``name`` in example ``example`` (1-based); ``None`` when the file has one example."""
    return name if example is None else f"{name}[{example}]"


def split_example(name: str) -> tuple[str, str]:
    """'dO3/dz3[2]' → ('dO3/dz3', '[2]'); a name of the only example → (name, '')."""
    base, bracket, rest = name.partition("[")
    return base, bracket + rest


def split_partial(name: str) -> tuple[str, str] | None:
    """'dO3/dz3' → ('O3', 'z3'); None for a name that is not a partial derivative."""
    if not is_partial(name):
        return None
    num, den = name[1:].split("/d", 1)
    return num, den


def is_partial(name: str) -> bool:
    return name.startswith("d") and "/d" in name


def is_gradient(name: str) -> bool:
    """∂C/∂(something): a gradient of the cost, of a parameter or of any other quantity."""
    return name.startswith(_GRADIENT)


def gradient_of(name: str) -> str:
    """'dC/dw6' → 'w6' (the name must be a gradient of the cost)."""
    return name.removeprefix(_GRADIENT)


def updated_param(name: str) -> str | None:
    """'new_w6' → 'w6'; None for a name that is not an update."""
    return name.removeprefix(_NEW) if name.startswith(_NEW) else None


@cache  # a table of the digit network names the same 30,000 symbols several times
def display(name: str) -> str:
    """Console form of a name: dC/dz3 → ∂C/∂z3, eta → η."""
    if name in _GREEK:
        return _GREEK[name]
    parts = split_partial(name)
    return f"∂{parts[0]}/∂{parts[1]}" if parts else name
