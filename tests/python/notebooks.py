"""Run an example notebook as a user would, and read what it produced."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def execute(name: str, timeout: int = 300):
    """Execute ``examples/<name>`` in a fresh python3 kernel, from the examples folder.

    The kernel keeps matplotlib's inline backend (no MPLBACKEND), so figures become images.
    """
    nb = nbformat.read(EXAMPLES / name, as_version=4)
    NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(EXAMPLES)}}
    ).execute()
    return nb


def outputs(nb, kind: str | None = None) -> list:
    """Every code-cell output, or only those carrying MIME type ``kind``."""
    return [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if kind is None or kind in o.get("data", {})
    ]


def errors(nb) -> list[str]:
    """ "name: message" of every error output."""
    return [
        f"{o.get('ename')}: {o.get('evalue')}"
        for o in outputs(nb)
        if o.get("output_type") == "error"
    ]


def text(nb) -> str:
    """All printed text and plain-text results, joined."""
    return "".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs(nb)
    )
