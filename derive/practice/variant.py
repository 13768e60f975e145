"""One student's network: drawn from the variant's seed until it meets the nice-number rules.

Numbers are drawn in hundredths, so each has one or two decimals: weights and biases up to 0.95
in size, inputs from 0.05 to 0.95 in size, targets the output's range allows (one-hot for a
softmax, 0 or 1 for a binary cross-entropy). The file is written by spec/write.py and read back
by the loader, so the network judged and derived is the one in the file handed out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..errors import OptionError
from ..functions import COSTS
from ..numbers.rounding import places
from ..spec.limits import Limits
from ..spec.load import network_from_data
from ..spec.network import Activation, Example, Layer, Network, Notation
from ..spec.reader import parse_yaml
from ..spec.scaffold import Plan, make_plan
from ..spec.write import to_yaml
from .draws import Draws, variant_seed
from .nice import Judgement, NiceRules, Rejected, judge

LEARNING_RATE = 0.5
LARGEST = 95  # hundredths: weights, biases and inputs stay below 1 in size
MAX_TRIES = 100
NETWORK_FILE = "network.yaml"
# practice networks are worked by hand: a few dozen parameters (the root's --max-params lifts it)
PRACTICE = Limits(max_params=100, max_examples=1)
LETTERS = {"flat": ("O", 0), "layered": ("a", 1), "chain": ("a", 0)}


@dataclass(frozen=True)
class Recipe:
    """What every variant of a set shares."""

    shape: str
    activation: str = "sigmoid"
    cost: str = "half_squared_error"
    notation: str = "flat"
    only: str | None = None
    rules: NiceRules = field(default_factory=NiceRules)
    tries: int = MAX_TRIES


@dataclass(frozen=True)
class Variant:
    student: str
    seed: int  # the variant's own seed, from the set's seed and the id
    tries: int  # draws until one met every rule
    text: str  # the network file
    network: Network
    judgement: Judgement


def make_variant(recipe: Recipe, *, seed: int, student: str, limits: Limits = PRACTICE) -> Variant:
    """The first draw from the variant's seed that meets the rules; OptionError (naming
    ``shape``) after ``recipe.tries`` draws that do not."""
    plan = make_plan(
        shape=recipe.shape,
        activation=recipe.activation,
        cost=recipe.cost,
        notation=recipe.notation,
        limits=limits,
    )
    own = variant_seed(seed, student)
    draws, rejected = Draws(own), Counter[str]()
    for attempt in range(1, recipe.tries + 1):
        drawn = draw_network(plan, draws)
        try:
            judgement = judge(drawn, rules=recipe.rules, only=recipe.only)
        except Rejected as exc:
            rejected[exc.rule] += 1
            continue
        text = _header(recipe, seed=seed, student=student) + to_yaml(drawn)
        return Variant(student, own, attempt, text, _read_back(text, drawn, limits), judgement)
    reasons = ", ".join(f"{n} {rule}" for rule, n in rejected.most_common())
    raise OptionError(
        "shape",
        f"{recipe.shape}: no draw of {recipe.tries} met the nice-number rules (broken: {reasons}); "
        "try fewer layers, another activation or fewer questions",
    )


def draw_network(plan: Plan, draws: Draws) -> Network:
    letter, start = LETTERS[plan.notation]
    layers = [_layer(plan, draws, index) for index in range(1, len(plan.sizes))]
    return Network(
        title=f"{plan.shape} {plan.hidden} practice network",
        inputs=plan.sizes[0],
        layers=tuple(layers),
        examples=(Example(_inputs(plan, draws), _targets(plan, draws)),),
        cost=plan.cost,
        learning_rate=LEARNING_RATE,
        notation=Notation(style=plan.notation, start=start, activation=letter),
        source=NETWORK_FILE,
    )


def _header(recipe: Recipe, *, seed: int, student: str) -> str:
    return (
        f"# A practice network written by `derive practice` (seed {seed}, student {student}).\n"
        "# Every number has one or two decimals; no neuron is saturated; no answer rounds to\n"
        f"# zero at {places(recipe.rules.decimals)}, and no common mistake gives a right answer.\n"
    )


def _read_back(text: str, drawn: Network, limits: Limits) -> Network:
    """The file as the loader reads it, which must be the network judged (a draw is judged
    before it is written: reading YAML back took half of each try)."""
    network = network_from_data(
        parse_yaml(text, NETWORK_FILE), source=NETWORK_FILE, text=text, limits=limits
    )
    if network != drawn:
        raise AssertionError(f"{NETWORK_FILE} does not read back as the network drawn")
    return network


def _hundredths(draws: Draws, low: int, high: int, *, signed: bool) -> float:
    """A number of one or two decimals, ``low``..``high`` hundredths in size."""
    size = draws.integer(low, high)
    return (-size if signed and draws.below(2) else size) / 100


def _layer(plan: Plan, draws: Draws, index: int) -> Layer:
    before, size = plan.sizes[index - 1], plan.sizes[index]
    name = plan.output if index == len(plan.sizes) - 1 else plan.hidden
    weights = tuple(
        tuple(_hundredths(draws, 1, LARGEST, signed=True) for _ in range(before))
        for _ in range(size)
    )
    biases = tuple(_hundredths(draws, 1, LARGEST, signed=True) for _ in range(size))
    return Layer(size, Activation(name), weights, biases)


def _near_end(draws: Draws) -> float:
    """0.01..0.10 or 0.90..0.99."""
    size = draws.integer(1, 10)
    return (100 - size if draws.below(2) else size) / 100


def _inputs(plan: Plan, draws: Draws) -> tuple[float, ...]:
    return tuple(_hundredths(draws, 5, LARGEST, signed=True) for _ in range(plan.sizes[0]))


def _targets(plan: Plan, draws: Draws) -> tuple[float, ...]:
    count = plan.sizes[-1]
    if COSTS[plan.cost].distribution:  # one-hot: the softmax's targets are one distribution
        hot = draws.below(count)
        return tuple(float(j == hot) for j in range(count))
    if COSTS[plan.cost].probabilities:
        return tuple(float(draws.below(2)) for _ in range(count))
    if plan.output == "sigmoid":  # far from the ½ a sigmoid starts near: a clear error to follow
        return tuple(_near_end(draws) for _ in range(count))
    if plan.output == "tanh":
        return tuple(_hundredths(draws, 70, LARGEST, signed=True) for _ in range(count))
    signed = plan.output == "linear"
    return tuple(_hundredths(draws, 5, LARGEST, signed=signed) for _ in range(count))
