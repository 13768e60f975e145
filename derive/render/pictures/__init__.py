"""Pictures of a derivation for ``derive draw``: the network, the chain behind one gradient and
the cost as a function of one parameter, as SVG, TikZ or Graphviz DOT text.

Each picture is laid out once as a scene (scene.py: shapes and text in pixels), which svg.py and
tikz.py write; dot.py writes the graph itself and leaves the layout to Graphviz.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath
from typing import Any, Literal, get_args

from ...derivation.graph import parameter_of
from ...derivation.names import gradient
from ...derivation.quantity import Derivation
from ...errors import OptionError, UsageError
from . import dot, svg, tikz
from .chain import PathPicture, chain_scene
from .curve import CurvePicture, curve_scene
from .network import NetworkPicture, network_scene
from .scene import Scene

PictureFormat = Literal["svg", "tikz", "dot"]
Picture = NetworkPicture | PathPicture | CurvePicture
SUFFIXES: dict[str, PictureFormat] = {
    ".svg": "svg",
    ".tex": "tikz",
    ".tikz": "tikz",
    ".dot": "dot",
    ".gv": "dot",
}

SCENES: dict[type, Callable[[Derivation, Any], Scene]] = {
    NetworkPicture: network_scene,
    PathPicture: chain_scene,
    CurvePicture: curve_scene,
}
WRITERS: dict[str, Callable[[Scene], str]] = {"svg": svg.render, "tikz": tikz.render}
GRAPHS: dict[type, Callable[[Derivation, Any], str]] = {
    NetworkPicture: dot.network_dot,
    PathPicture: dot.chain_dot,
}


def picture_format(fmt: str | None, output: PurePath | None) -> PictureFormat:
    """The format asked for, else the one the output file's extension names, else SVG."""
    if fmt is not None:
        for known in get_args(PictureFormat):
            if fmt == known:
                return known  # type: ignore[no-any-return]
        raise OptionError("fmt", f"must be svg, tikz or dot, not {fmt!r}")
    if output is None:
        return "svg"
    suffix = output.suffix.lower()
    if suffix not in SUFFIXES:
        raise OptionError(
            "output", f"{output}: expected a name ending .svg, .tex, .tikz, .dot or .gv"
        )
    return SUFFIXES[suffix]


def picture(
    *, path: str | None, curve: str | None, gradients: bool, example: int | None
) -> Picture:
    """The one picture these choices ask for: a gradient's chain, a cost curve or the network."""
    if path is not None and curve is not None:
        raise OptionError("curve", "and a gradient's path are two pictures: ask for one at a time")
    if gradients and (path or curve):
        raise OptionError("gradients", "adds gradients to the network picture only")
    if path is not None:
        return PathPicture(path, example)
    if curve is not None:
        if example is not None:
            raise OptionError("example", "does not apply to the curve: it is C over every example")
        return CurvePicture(curve)
    return NetworkPicture(gradients, example)


def draw(d: Derivation, chosen: Picture, *, fmt: PictureFormat = "svg") -> str:
    """The picture as text in ``fmt``."""
    _check_name(d, chosen)
    if fmt == "dot":
        if type(chosen) not in GRAPHS:
            raise OptionError("fmt", "dot draws graphs: draw the cost curve as svg or tikz")
        return GRAPHS[type(chosen)](d, chosen)
    return WRITERS[fmt](SCENES[type(chosen)](d, chosen))


def _check_name(d: Derivation, chosen: Picture) -> None:
    """A --path or --curve name that names no parameter: one line, with the closest names."""
    option, name = (
        ("path", chosen.gradient)
        if isinstance(chosen, PathPicture)
        else ("curve", chosen.param)
        if isinstance(chosen, CurvePicture)
        else (None, "")
    )
    if option is None:
        return
    try:
        parameter_of(d, name)
    except UsageError:
        near = ", ".join(close_names(d, name, gradients=option == "path"))
        raise OptionError(option, f"{name!r} names no parameter; did you mean {near}?") from None


def close_names(d: Derivation, name: str, *, gradients: bool) -> list[str]:
    """The parameters' names (or their gradients' names) closest to ``name``."""
    import difflib

    names = [gradient(p) if gradients else p for p in d.parameters]
    return difflib.get_close_matches(name, names, n=4, cutoff=0.4) or names[:4]


__all__ = [
    "CurvePicture",
    "NetworkPicture",
    "PathPicture",
    "Picture",
    "PictureFormat",
    "draw",
    "picture",
    "picture_format",
]
