"""``derive.explain`` and ``derive.draw``: a derivation for a notebook or a script, with every
output form the command line has, and Jupyter's display methods."""

from __future__ import annotations

from ..derivation.build import derive
from ..derivation.quantity import Derivation, Quantity
from ..derivation.selection import chosen
from ..numbers.arithmetic import Carry, Value
from ..render.safe import safe_text
from ..render.values import value_text
from .sources import Source, network_of


class Explanation:
    """One network's derivation, as ``derive explain`` shows it, for the quantities chosen
    (``only``, ``example``; all of them by default)."""

    def __init__(
        self, derivation: Derivation, *, only: str | None = None, example: int | None = None
    ) -> None:
        self.derivation = derivation
        self.only = only
        self.example = example
        # chosen now, so that a pattern that matches nothing fails here, not at display time
        self._chosen = chosen(derivation, only=only, example=example)

    @property
    def values(self) -> dict[str, Value]:
        """Name → value of every quantity chosen (aliases too): a float (exact arithmetic), a
        Decimal (hand rounding, as carried) or a SymPy expression (symbolic)."""
        return {n: q.value for q in self._chosen for n in (q.name, *q.aliases)}

    @property
    def steps(self) -> list[Quantity]:
        """The chain-rule steps chosen, numbered as in ``derive explain``."""
        return [q for q in self._chosen if q.step is not None]

    def to_json(self) -> str:
        from ..render.jsonout import render, render_subset

        if self.only is None and self.example is None:
            return render(self.derivation)
        return render_subset(self.derivation, self._chosen, example=self.example)

    def to_latex(self, *, standalone: bool = True) -> str:
        """A LaTeX article (``derive latex``), or with ``standalone=False`` a fragment to
        ``\\input`` (its first lines list the packages it needs)."""
        from ..render.document.latex import render

        return render(self.derivation, standalone=standalone, only=self.only, example=self.example)

    def to_markdown(self) -> str:
        from ..render.document.markdown import render

        return render(self.derivation, only=self.only, example=self.example)

    def to_html(self, *, standalone: bool = True) -> str:
        """One self-contained page (``derive explain --format html``), or with
        ``standalone=False`` its content as one ``div``, as a notebook shows it."""
        from ..render.html import render

        return render(self.derivation, only=self.only, example=self.example, standalone=standalone)

    def _repr_html_(self) -> str:
        return self.to_html(standalone=False)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_latex_(self) -> str:
        return self.to_latex(standalone=False)

    def __repr__(self) -> str:
        d = self.derivation
        title = safe_text(d.network.title)
        title = title if len(title) <= 60 else title[:59] + "…"
        cost = f", C = {value_text(d['C'], d.decimals)}" if "C" in d else ""
        chosen = "" if self.only is None else f", only {self.only!r}"
        example = "" if self.example is None else f", example {self.example}"
        return f"<derive.Explanation {title!r}: {len(self.steps)} steps{cost}{chosen}{example}>"


def explain(
    source: Source,
    *,
    decimals: int = 4,
    carry: Carry = "exact",
    symbolic: bool = False,
    example: int | None = None,
    only: str | None = None,
) -> Explanation:
    """Derive a network given as a file's path, a dict or YAML text (see docs/api.md)."""
    d = derive(network_of(source), carry=carry, decimals=decimals, general=symbolic)
    return Explanation(d, only=only, example=example)


class Svg(str):
    """SVG text that a notebook shows as the picture."""

    __slots__ = ()

    def _repr_svg_(self) -> str:
        return str(self)


def draw(
    source: Source | Explanation,
    *,
    gradients: bool = False,
    path: str | None = None,
    curve: str | None = None,
    example: int | None = None,
    fmt: str = "svg",
    decimals: int = 4,
    carry: Carry = "exact",
) -> str:
    """``derive draw``: the network, one gradient's chain (``path="dC/dw0"``) or the cost
    curve (``curve="w6"``) as SVG text (shown as a picture in a notebook), or TikZ or DOT."""
    from ..render.pictures import draw as drawn
    from ..render.pictures import picture, picture_format

    kind = picture_format(fmt, None)
    chosen = picture(path=path, curve=curve, gradients=gradients, example=example)
    if isinstance(source, Explanation):
        d = source.derivation
    else:
        d = derive(network_of(source), carry=carry, decimals=decimals)
    text = drawn(d, chosen, fmt=kind)
    return Svg(text) if kind == "svg" else text
