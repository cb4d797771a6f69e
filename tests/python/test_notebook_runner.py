"""The notebook runner used by the notebook tests (issue 9, item 17): a lost wake-up on a kernel
channel costs a fraction of a second, not the cell timeout, and a stuck notebook fails fast with
the reason."""

from __future__ import annotations

import asyncio
import time
from queue import Empty

import nbformat
import pytest
from notebooks import SLICE, NotebookRunError, execute, patient_get_msg


def _lost_wakeup_channel():
    """A channel whose reply is already waiting but whose poll is never woken for it: it is only
    found when the poll's timeout fires (what pyzmq does after a missed edge), as in the stall."""

    async def get_msg(timeout=None):
        await asyncio.sleep(3600 if timeout is None else timeout)
        return {"msg_type": "execute_reply"}

    return get_msg


@pytest.mark.parametrize("timeout", [300.0, None])
def test_a_reply_that_did_not_wake_the_poll_is_found_within_a_slice(timeout):
    get = patient_get_msg(_lost_wakeup_channel())
    started = time.monotonic()
    msg = asyncio.run(asyncio.wait_for(get(timeout=timeout), 10))
    assert msg["msg_type"] == "execute_reply"
    assert time.monotonic() - started < 10 * SLICE


def test_the_overall_timeout_still_holds():
    async def never(timeout=None):
        await asyncio.sleep(timeout)
        raise Empty

    started = time.monotonic()
    with pytest.raises(Empty):
        asyncio.run(patient_get_msg(never)(timeout=1.0))
    assert 0.9 < time.monotonic() - started < 3


def test_a_stuck_cell_fails_fast_naming_the_reason(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import time\ntime.sleep(120)")]
    path = tmp_path / "stuck.ipynb"
    nbformat.write(nb, path)
    started = time.monotonic()
    with pytest.raises(NotebookRunError, match="(?s)stuck.ipynb.*timed out"):
        execute(path, timeout=2, startup_timeout=30)
    assert time.monotonic() - started < 60
