"""Safe file writing: never overwrite by accident, never leave half a file, write only to regular
files.

Every output (CSV, chart, workbook) goes through :func:`atomic_write`:

* an existing path is replaced only with ``overwrite=True`` (``--force`` on the command line),
  and only if it is a regular file: a directory, FIFO, socket or device is refused, whatever the
  flag; a symbolic link to a regular file is followed, and its target is replaced (the link stays);
* the folder must already exist and be writable (it is never created);
* the data go to a hidden temporary file with a unique name in the target's folder
  (``.<name>.dsg-<random>.tmp``), renamed onto the target once complete, so a failure or a kill
  never leaves half a file; after a successful write, temporary files of exactly that pattern for
  that target that have not changed for an hour (left by a kill mid-write) are removed. A newer
  one is another write still under way, and a file of any other name is not ours: both are
  left alone.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


class OutputPathError(ValueError):
    """An output path that must not or cannot be written: not a regular file, a folder that does
    not exist or cannot be written, or the same path given for two outputs. The message names
    the path and says why."""


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def resolve_output(path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """The file an output to ``path`` would really replace, after checking it may be written.

    Follows symbolic links (an output through a link replaces the link's target). Raises
    :class:`OutputPathError` if the path (or a link's target) exists and is not a regular file,
    if a link points nowhere, or if the folder does not exist or is not a folder;
    ``FileExistsError`` if the file exists and ``overwrite`` is false. Writes nothing."""
    given = Path(path)
    target = given
    if given.is_symlink():
        real = Path(os.path.realpath(given))
        if not real.exists():
            raise OutputPathError(
                f"{given}: is a symbolic link to {real}, which does not exist; "
                "give the real file name instead"
            )
        target = real
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        raise OutputPathError(f"{given}: a part of the folder path is not a folder") from None
    if st is not None:
        if not stat.S_ISREG(st.st_mode):
            via = f" (the target of the link {given})" if target != given else ""
            raise OutputPathError(
                f"{target}{via}: is {_kind(st.st_mode)}, not a regular file; "
                "outputs are written only to regular files, even with --force / overwrite=True"
            )
        if not overwrite:
            raise FileExistsError(f"{given} already exists; pass overwrite=True to replace it")
    folder = target.parent
    if not folder.exists():
        raise OutputPathError(
            f"{given}: the folder {folder} does not exist; create it first or choose another path"
        )
    if not folder.is_dir():
        raise OutputPathError(f"{given}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputPathError(f"{given}: cannot write in the folder {folder} (permission denied)")
    return target


#: Marks this library's temporary files (``.<name>.dsg-<random>.tmp``).
_TMP_TAG = "dsg-"
#: A temporary file unchanged for this long (seconds) was left by a write that died.
STALE_AFTER = 3600.0


def _stale_pattern(name: str) -> re.Pattern[str]:
    # mkstemp's random part: 8 characters of [a-z0-9_]
    return re.compile(rf"\.{re.escape(name)}\.{_TMP_TAG}[a-z0-9_]{{8}}\.tmp")


def atomic_write(
    path: str | os.PathLike[str], write: Callable[[Path], None], *, overwrite: bool = False
) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it into place.

    Raises ``FileExistsError`` if ``path`` exists and ``overwrite`` is false, so a user's file is
    never replaced by accident, and :class:`OutputPathError` for a path that is not a regular
    file or a folder that does not exist or cannot be written (see :func:`resolve_output`). If
    ``write`` fails the temporary file is removed and ``path`` is untouched. Returns the path
    given (for a symbolic link, its target was replaced)."""
    target = resolve_output(path, overwrite=overwrite)
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.{_TMP_TAG}", suffix=".tmp", dir=target.parent
        )
    except OSError as e:
        raise OutputPathError(
            f"{path}: cannot write in the folder {target.parent} ({e.strerror or e})"
        ) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        # mkstemp makes the file private (0600); give it the mode a normal save would.
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else _default_mode())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _remove_stale(target)
    return Path(path)


def _remove_stale(target: Path) -> None:
    """Remove temporary files of our own pattern for ``target`` left by a kill mid-write: those
    unchanged for :data:`STALE_AFTER` seconds (a newer one is another write under way)."""
    pattern = _stale_pattern(target.name)
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    now = time.time()
    for name in names:
        if pattern.fullmatch(name):
            stale = target.parent / name
            try:
                st = os.lstat(stale)
                if stat.S_ISREG(st.st_mode) and now - st.st_mtime > STALE_AFTER:
                    stale.unlink()
            except OSError:
                pass


def check_distinct(outputs: list[tuple[str, str | os.PathLike[str]]]) -> None:
    """Refuse two outputs that resolve to the same file (``--csv x.png --chart x.png``), naming
    both flags; ``outputs`` is a list of (flag, path)."""
    seen: dict[Path, str] = {}
    for flag, out in outputs:
        real = Path(os.path.realpath(out))
        if real in seen:
            raise OutputPathError(
                f"{flag} {out}: the same file as {seen[real]}; give each output its own path"
            )
        seen[real] = f"{flag} {out}"


def _default_mode() -> int:
    """0666 less the process umask, as for a file opened with open(path, "w")."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_text(path: str | os.PathLike[str], text: str, *, overwrite: bool = False) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; see :func:`atomic_write`."""
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"), overwrite=overwrite)
