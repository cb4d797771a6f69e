"""Run an example notebook as a user would, and read what it produced.

Each notebook runs in its own Python process (a fresh event loop and ZeroMQ context), with
explicit limits, so a notebook test either finishes in seconds or fails fast saying why:

* ``startup_timeout`` (30 s): the kernel must answer within this time after it starts;
* ``timeout`` (120 s): each cell must finish within this time;
* the whole run is killed after ``startup_timeout + cells × timeout`` at most, and the error
  carries the runner's own message.

Why (issue 9, item 17): a fresh clone once spent about four minutes idle in the set-up of the
notebook tests, the kernel idle and the test process waiting. The kernel had sent the cell's
``execute_reply``, but the test process's asyncio poll of the shell socket was never woken for it
(a lost wake-up on the ZeroMQ socket's edge-triggered descriptor; seen only when several
notebooks run one after another in one process, with cold caches); nbclient waits for that reply
with one ``get_msg(timeout=300)``, and pyzmq only re-checks the socket when the timeout fires,
so the wait ended after exactly the cell timeout and the cell then "passed". Here every wait on
the shell and IOPub channels is cut into short slices (:func:`patient_get_msg`), each of which
ends with a direct check of the socket, so a missed wake-up costs at most a fraction of a second.

The kernel keeps matplotlib's inline backend (MPLBACKEND is removed from its environment), so
figures become images.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

#: The longest single wait on a kernel channel (seconds); a lost wake-up costs at most this.
SLICE = 0.25


class NotebookRunError(AssertionError):
    """A notebook could not be run to the end: the kernel did not start, a cell timed out, or
    the runner was killed at its overall limit. The message says which and why."""


def patient_get_msg(get_msg, slice_seconds: float = SLICE):
    """Wrap an async channel ``get_msg(timeout=...)`` so that one long wait becomes many short
    ones: a message that arrived without waking the poll is found at the end of the next slice
    (pyzmq's poll re-checks the socket when its timeout fires). Keeps the overall ``timeout``
    (None = wait for ever) and raises ``queue.Empty`` when it passes, as the original does."""
    from queue import Empty

    async def get(timeout: float | None = None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return await get_msg(
                    timeout=slice_seconds if left is None else min(left, slice_seconds)
                )
            except Empty:
                if left is not None and left <= slice_seconds:
                    raise

    return get


def _run_here(path: Path, out: Path, timeout: int, startup_timeout: int) -> None:
    """Execute ``path`` in a new kernel from its folder and write the result to ``out``."""
    from nbclient import NotebookClient

    class Client(NotebookClient):
        async def async_start_new_kernel_client(self):
            kc = await super().async_start_new_kernel_client()
            kc.shell_channel.get_msg = patient_get_msg(kc.shell_channel.get_msg)
            kc.iopub_channel.get_msg = patient_get_msg(kc.iopub_channel.get_msg)
            return kc

    nb = nbformat.read(path, as_version=4)
    Client(
        nb,
        timeout=timeout,
        startup_timeout=startup_timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    nbformat.write(nb, out)


def execute(name: str | Path, timeout: int = 120, startup_timeout: int = 30):
    """Execute ``examples/<name>`` (or a notebook path) in a fresh python3 kernel, from the
    notebook's folder, in a separate process; return the executed notebook.

    Raises :class:`NotebookRunError` with the runner's message if the kernel does not start
    within ``startup_timeout`` seconds, a cell runs longer than ``timeout`` seconds, or the
    whole run passes its overall limit."""
    path = Path(name) if Path(name).is_absolute() else EXAMPLES / name
    cells = sum(c.cell_type == "code" for c in nbformat.read(path, as_version=4).cells)
    limit = startup_timeout + 15 + cells * timeout
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    with tempfile.TemporaryDirectory(prefix="dsg-nb-") as tmp:
        out = Path(tmp) / path.name
        args = [sys.executable, __file__, str(path), str(out), str(timeout), str(startup_timeout)]
        started = time.monotonic()
        try:
            done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=limit)
        except subprocess.TimeoutExpired as e:
            tail = e.stderr or ""
            if isinstance(tail, bytes):
                tail = tail.decode(errors="replace")
            raise NotebookRunError(
                f"{path.name}: still running after {limit} s (the overall limit); killed. "
                f"Last runner output:\n{tail[-2000:]}"
            ) from None
        if done.returncode != 0:
            raise NotebookRunError(
                f"{path.name}: the runner failed after {time.monotonic() - started:.1f} s "
                f"(exit {done.returncode}):\n{done.stderr[-3000:]}"
            )
        return nbformat.read(out, as_version=4)


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


if __name__ == "__main__":
    _run_here(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
