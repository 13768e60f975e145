"""``derive schema``: the JSON Schema of network files or answers files, for editors."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from .app import app, emit, handled


class SchemaKind(StrEnum):
    network = "network"
    answers = "answers"


@app.command()
def schema(
    kind: Annotated[
        SchemaKind,
        typer.Argument(metavar="[network|answers]", help="network (the default) or answers."),
    ] = SchemaKind.network,
) -> None:
    """Print the JSON Schema (draft 2020-12) of network files or of answers files.

    Example: derive schema network > network.schema.json
    """
    with handled():
        import json

        from ..spec.schema import schema_for

        emit(json.dumps(schema_for(kind.value), indent=2, ensure_ascii=False))
