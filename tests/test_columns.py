"""Columns (derivation/columns.py, bulk.py): runs of steps kept as lists of values, named and
made into quantities when read; and templates (templates.py): SymPy forms built once and filled
in with each neuron's names, which must be the very expressions SymPy builds from those names."""

from __future__ import annotations

import gc
import random
import string
import weakref

import pytest
import sympy as sp

import derive.derivation.build as build
from derive import derive, load_network
from derive.derivation import templates
from derive.derivation.bulk import RowGradients
from derive.derivation.columns import Column, Quantities
from derive.derivation.lazy import Descent, WeightedSum
from derive.derivation.ops import FLOAT, Declined, Fetch
from derive.derivation.quantity import Derivation, S, Section, ordered_add, ordered_mul
from derive.derivatives import activation_derivative, tidy
from derive.errors import DeriveError
from derive.functions import ACTIVATIONS, COSTS
from derive.numbers.arithmetic import EvaluationError
from derive.spec.network import Activation, Example, Layer, Network

from .conftest import CASES
from .test_lazy import _everything

_NAMES = ["O1", "O10", "O1[12]", "O10[12]", "y1", "y10", "a_2", "a_10", "z2_9", "z2_10", "x", "Z"]


def _tree(e: sp.Basic) -> object:
    """The expression as its nodes hold their arguments, in order (srepr sorts a sum's terms)."""
    if not e.args:
        return sp.srepr(e)
    return (type(e).__name__, tuple(_tree(a) for a in e.args))


def _names(rng: random.Random, k: int) -> list[str]:
    """k distinct names, some of which compare in an order that differs from their numbering."""
    pool = [
        *_NAMES,
        *("".join(rng.choices(string.ascii_letters + "_[]0123456789", k=5)) for _ in range(8)),
    ]
    return rng.sample(pool, k)


@pytest.mark.parametrize("seed", range(6))
def test_filled_templates_are_what_sympy_builds_from_the_names(seed: int) -> None:
    rng = random.Random(seed)
    for name, act in ACTIVATIONS.items():
        slope = 0.01 if name == "leaky_relu" else act.default_slope
        zs = _names(rng, 1 if act.elementwise else 3)
        direct = act.sympy([S(z) for z in zs], slope)
        filled = [f.formula() for f in templates.activation(name, slope, zs)]
        assert [_tree(e) for e in filled] == [_tree(e) for e in direct], name
        for diagonal in (True, False):
            z, a_i, a_j = _names(rng, 3)
            a_j = a_i if diagonal else a_j
            args = {"i_out": a_i, "j_out": a_j, "j_z": z, "diagonal": diagonal}
            want = activation_derivative(name, slope, **args)  # type: ignore[arg-type]
            got = templates.local_derivative(name, slope, **args).formula()  # type: ignore[arg-type]
            assert _tree(got) == _tree(want), (name, diagonal)
    for name, cost in COSTS.items():
        n = rng.choice([1, 2, 3])
        every = _names(rng, 2 * n)
        a, y = [S(v) for v in every[:n]], [S(v) for v in every[n:]]
        whole = cost.sympy(a, y)
        assert _tree(templates.cost(name, every[:n], every[n:]).formula()) == _tree(whole), name
        for j in range(n):
            want = tidy(sp.diff(whole, a[j]))
            got = templates.cost_derivative(name, every[:n], every[n:], j).formula()
            assert _tree(got) == _tree(want), (name, j)


def test_a_template_that_ignored_the_order_of_the_names_would_be_caught() -> None:
    # the terms of a cost follow the order of the names: one template for every order is wrong
    names = [S("z2_10"), S("O10[12]"), S("x"), S("b")]
    first = COSTS["half_squared_error"].sympy(names[:2], names[2:])
    holders = [S("p"), S("q"), S("r"), S("s")]
    fixed = COSTS["half_squared_error"].sympy(holders[:2], holders[2:])
    copied = templates.instantiate(fixed, dict(zip(holders, names, strict=True)))
    assert sp.expand(copied - first) == 0  # the same sum...
    assert _tree(copied) != _tree(first)  # ...with its terms in another order
    filled = templates.cost("half_squared_error", ["z2_10", "O10[12]"], ["x", "b"])
    assert _tree(filled.formula()) == _tree(first)


def _digits() -> Derivation:
    return derive(load_network(CASES / "3b1b-784-16-16-10.yaml"))


def test_a_large_network_keeps_its_gradients_and_updates_as_columns() -> None:
    d = _digits()
    q = d.quantities
    assert isinstance(q, Quantities)
    names = list(q)
    assert len(names) == len(q) == len(set(names))
    column, i = q.find("dC/dw2_1_1") or (None, 0)
    assert isinstance(column, Column) and column.names()[i] == "dC/dw2_1_1"
    assert q.find("new_w2_1_1") is not None and q.find("w2_1_1") is not None
    assert "dC/dw2_1_1" in q and "no such name" not in q
    with pytest.raises(KeyError):
        q["no such name"]
    read = d["dC/dw2_1_1"]
    assert read == d["dC/dw2_1_1"] and read.step is not None
    steps = [s.step for s in d.steps]
    assert steps == list(range(1, len(steps) + 1))
    assert [v.name for v in q.values()] == names


@pytest.mark.parametrize("case", ["minibatch-2-2-1", "softmax-classifier", "nielsen-l2-momentum"])
def test_named_values_are_every_name_and_value_without_making_quantities(case: str) -> None:
    """The JSON's values come from ``named_values``: the same names, order and values as
    reading every quantity, aliases included, and no column's quantity made on the way."""
    d = derive(load_network(CASES / f"{case}.yaml"))
    assert isinstance(d.quantities, Quantities)
    columns = d.quantities.columns
    assert columns and not any(c._made for c in columns)
    pairs = list(d.named_values())
    assert not any(c._made for c in columns)
    assert d.alias_of and any(name in d.alias_of for name, _ in pairs)
    assert pairs == [(name, d[name].value) for name in d.names()]


@pytest.mark.parametrize("case", ["minibatch-2-2-1", "nielsen-l2-momentum"])
def test_steps_skip_the_columns_of_unnumbered_quantities_unmade(case: str) -> None:
    """``Derivation.steps`` (JSON, the step tables) makes no quantity of a column without steps
    (the given values, the updates), and lists the same steps as a walk over every quantity."""
    d = derive(load_network(CASES / f"{case}.yaml"))
    unnumbered = [c for c in d.quantities.columns if c.first_step is None]
    assert unnumbered
    steps = [q.name for q in d.steps]
    assert not any(c._made for c in unnumbered)
    assert steps == [q.name for q in d.quantities.values() if q.step is not None]


def test_a_column_matches_the_steps_made_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    network = load_network(CASES / "blog-2-3-1.yaml")
    columns = derive(network)
    with monkeypatch.context() as m:  # no runs: each step defined on its own
        m.setattr(build.Builder, "define_column", lambda self, *a, **k: False)
        m.setattr(build.Builder, "given_column", _given_one_by_one)
        single = derive(network)
    assert _everything(columns) == _everything(single)


def _given_one_by_one(
    self: build.Builder, names: list[str], entries: list[float], **meta: object
) -> None:
    meta.pop("key")
    for name, entry in zip(names, entries, strict=True):
        self.given(name, entry, **meta)


def _one_weight(*, w: float, x: tuple[float, ...], y: tuple[float, ...], eta: float) -> Network:
    layer = Layer(1, Activation("linear"), ((w,),), None)
    rows = tuple(Example((xi,), (yi,)) for xi, yi in zip(x, y, strict=True))
    return Network("one", 1, (layer,), rows, "half_squared_error", learning_rate=eta)


@pytest.mark.parametrize(
    ("network", "section"),
    [
        (_one_weight(w=1.0, x=(1.0,), y=(0.5,), eta=2.0), "update"),  # 1 − 2·0.5 cancels
        (_one_weight(w=0.5, x=(1.0, 1.0), y=(0.0, 1.0), eta=0.1), "average"),  # 0.5 − 0.5
    ],
)
def test_a_run_with_a_step_the_kernels_leave_is_made_one_by_one(
    network: Network, section: Section, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = derive(network)
    quantities = d.quantities
    assert isinstance(quantities, Quantities)
    assert section not in {c.section for c in quantities.columns}
    assert d.section(section)  # defined, one by one
    with monkeypatch.context() as m:
        m.setattr(build, "ops_for", lambda arith, exact: None)
        assert _everything(d) == _everything(derive(network))


def test_a_weight_gradient_past_the_float_range_is_one_clear_error() -> None:
    network = _one_weight(w=1e-290, x=(1e300,), y=(0.0,), eta=0.1)  # ∂C/∂w = 1e10 · 1e300
    with pytest.raises(EvaluationError, match=r"dC/dw0: .* past the float range"):
        derive(network)


@pytest.mark.parametrize("case", ["blog-2-3-1", "mazur-2-2-2", "nielsen-l2-momentum"])
def test_a_derivation_is_freed_when_dropped_with_no_cycle_left_to_collect(case: str) -> None:
    d = derive(load_network(CASES / f"{case}.yaml"))
    assert all(q.formula is not None for q in d.section("backward"))  # lazy formulas built too
    quantities = weakref.ref(d.quantities)
    collecting = gc.isenabled()
    gc.disable()
    try:
        del d
        assert quantities() is None  # freed by reference counting alone
    finally:
        if collecting:
            gc.enable()


def test_bulk_float_kernels_check_by_bounds_and_still_decline_where_the_walker_would() -> None:
    fetch = Fetch()
    both = WeightedSum(layer=1, row=("w", "v"), inputs=["x", "u"], bias="b", fetch=fetch)
    plain = WeightedSum(layer=1, row=("w", "v"), inputs=["x", "u"], bias="b")
    for env in (
        {"w": 0.1, "x": 3.0, "v": -0.3, "u": 1.0, "b": 0.0},  # 0.3 − 0.3: cancels
        {"w": 1e200, "x": 1e200, "v": 1.0, "u": 1.0, "b": 0.0},  # overflow
        {"w": 0.5, "x": 2.0, "v": 0.25, "u": 2.0, "b": -1.5},  # 1 + 0.5 − 1.5: cancels
    ):
        with pytest.raises(Declined):
            both.kernel(env, FLOAT)
    env = {"w": 0.1, "x": 0.7, "v": -0.3, "u": 0.2, "b": 1e-3}
    fresh = WeightedSum(layer=1, row=both.row, inputs=both.inputs, bias="b", fetch=Fetch())
    assert repr(fresh.kernel(env, FLOAT)) == repr(plain.kernel(env, FLOAT))
    rows = RowGradients(
        chain=_NoChain(), dz="d", z="z", z_base="z", row=("w", "v"), inputs=["x", "u"], fetch=fetch
    )
    with pytest.raises(Declined):
        rows.kernel({"d": 1e200, "x": 1e200, "u": 1.0}, FLOAT)
    assert rows.kernel({"d": 0.5, "x": 0.25, "u": -3.0}, FLOAT) == [0.125, -1.5]


class _NoChain:
    def local(self, z: str, wrt: str) -> sp.Expr:
        raise AssertionError("values need no formula")

    def p(self, num: str, den: str) -> str:
        return f"d{num}/d{den}"


@pytest.mark.parametrize("p", ["w1", "A", "zz", "b(L)", "w2_1_1"])
def test_an_update_is_the_formula_sympy_writes_for_p_minus_eta_times_the_gradient(p: str) -> None:
    written = ordered_add(S(p), -ordered_mul(S("eta"), S(f"dC/d{p}")))
    made = Descent(p)()[0]
    assert made == written and made.args == written.args and _tree(made) == _tree(written)


def _derived(case: str) -> Derivation | None:
    """A case derived in exact arithmetic; None for an answers file or symbols without values."""
    try:
        return derive(load_network(CASES / f"{case}.yaml"))
    except DeriveError:
        return None


@pytest.mark.parametrize("case", [p.stem for p in sorted(CASES.glob("*.yaml"))])
def test_a_steps_factors_are_the_names_its_built_formula_multiplies(case: str) -> None:
    d = _derived(case)
    if d is None:
        return
    seen = 0
    for q in d.section("backward"):
        factors = q.factors
        if factors is None:
            continue
        seen += 1
        formula, chain = (sp.Mul._from_args(tuple(S(n) for n in f)) for f in factors)
        assert _tree(q.formula) == _tree(formula) and _tree(q.chain) == _tree(chain), q.name
        assert q.factors is None  # built now: the formula is the one written from here on
    assert seen or d.symbolic  # symbols: every formula is built as it is defined


def _locator_networks() -> list[tuple[str, Network]]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        try:
            out.append((path.stem, load_network(path)))
        except DeriveError:  # an answers file
            continue
    rng = random.Random(3)
    layers = (
        Layer(
            3,
            Activation("sigmoid"),
            tuple(tuple(rng.random() for _ in range(2)) for _ in range(3)),
            (0.1,) * 3,
        ),
        Layer(
            2,
            Activation("tanh"),
            tuple(tuple(rng.random() for _ in range(3)) for _ in range(2)),
            None,
        ),
    )
    rows = tuple(Example((rng.random(), rng.random()), (1.0, 0.0)) for _ in range(12))
    out.append(("batch of 12", Network("batch", 2, layers, rows, "half_squared_error")))
    return out


@pytest.mark.parametrize(("label", "network"), _locator_networks(), ids=lambda v: str(v)[:30])
def test_every_step_a_column_holds_is_found_by_its_name_and_no_other_name_is(
    label: str, network: Network
) -> None:
    try:
        d = derive(network)
    except DeriveError:
        return
    q = d.quantities
    assert isinstance(q, Quantities) and q.locate is not None
    for column in q.columns:
        for i, name in enumerate(column.names()):
            hit = q.locate(name)
            assert hit is not None and hit[0] is column and hit[1] == i, name
    for name in q._plain:  # one by one: in no column
        assert q.locate(name) is None, name
    for stranger in ("C0", "new_C", "dC/dw1[0]", "dC/dw1[x]", "x1[99999]", "dC/d"):
        assert q.locate(stranger) is None or q[stranger].name == stranger


@pytest.mark.parametrize("case", [p.stem for p in sorted(CASES.glob("*.yaml"))])
def test_an_updates_terms_write_what_its_built_formula_prints(case: str) -> None:
    from derive.derivation.names import display
    from derive.render.plain import TextPrinter
    from derive.render.values import value_lookup

    d = _derived(case)
    if d is None:
        return
    printers = (TextPrinter(display), TextPrinter(value_lookup(d)))
    seen = 0
    for q in d.section("update"):
        terms = q.terms
        if terms is None:
            continue
        seen += 1
        texts = [p.sum_text(terms) for p in printers]
        assert texts == [p.doprint(q.formula) for p in printers], q.name
    assert seen or d.symbolic or d.network.momentum is not None
