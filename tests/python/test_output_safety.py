"""Output files (issue 9, items 3 and 4): only regular files are written, even with --force /
overwrite=True; a link to a regular file replaces its target; a missing folder is an error, not
created; one path for two outputs is refused before anything is written; a temporary file left
by a kill mid-write is gone after the next successful write."""

from __future__ import annotations

import os
import stat
import time

import dsg_forecast as dsg
import pytest


def assert_refused(r, *words):
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    for w in words:
        assert w in r.stderr, r.stderr


# ---- item 3: regular files only ------------------------------------------------------------
def test_force_does_not_replace_a_fifo(run_cli, small_path, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    r = run_cli("project", small_path, "--csv", fifo, "--force")
    assert_refused(r, str(fifo), "named pipe", "not a regular file")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert r.stdout == ""


def test_force_does_not_replace_a_directory(run_cli, small_path, tmp_path):
    folder = tmp_path / "chart.png"
    folder.mkdir()
    r = run_cli("project", small_path, "--chart", folder, "--force")
    assert_refused(r, "is a directory", "not a regular file")
    assert folder.is_dir()


def test_a_link_to_a_device_is_refused(run_cli, small_path, tmp_path):
    link = tmp_path / "null.csv"
    link.symlink_to(tmp_path / "pipe")
    os.mkfifo(tmp_path / "pipe")
    r = run_cli("project", small_path, "--csv", link, "--force")
    assert_refused(r, "not a regular file", str(link))
    assert link.is_symlink()


def test_python_overwrite_refuses_a_fifo(small_projection, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(dsg.OutputPathError, match="not a regular file"):
        small_projection.to_csv(fifo, overwrite=True)
    with pytest.raises(dsg.OutputPathError, match="not a regular file"):
        small_projection.to_excel(fifo, overwrite=True)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_link_to_a_regular_file_replaces_its_target(small_projection, tmp_path):
    real_dir = tmp_path / "shared"
    real_dir.mkdir()
    real = real_dir / "table.csv"
    real.write_text("old")
    link = tmp_path / "table.csv"
    link.symlink_to(real)
    small_projection.to_csv(link, overwrite=True)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text().startswith(small_projection.to_csv()[:20])
    assert sorted(p.name for p in real_dir.iterdir()) == ["table.csv"]  # no temp left


def test_a_link_to_nowhere_is_refused(small_projection, tmp_path):
    link = tmp_path / "table.csv"
    link.symlink_to(tmp_path / "missing" / "table.csv")
    with pytest.raises(dsg.OutputPathError, match="does not exist"):
        small_projection.to_csv(link, overwrite=True)


# ---- item 4: folders, duplicates, stale temporary files -------------------------------------
def test_missing_folder_is_exit_2_and_not_created(run_cli, small_path, tmp_path):
    out = tmp_path / "no_such_folder" / "table.csv"
    r = run_cli("project", small_path, "--csv", out)
    assert_refused(r, str(out), "does not exist")
    assert not out.parent.exists()
    r = run_cli("project", small_path, "--chart", tmp_path / "nope" / "c.png")
    assert_refused(r, "does not exist")
    assert not (tmp_path / "nope").exists()


def test_python_missing_folder_is_not_created(small_projection, tmp_path):
    out = tmp_path / "no_such_folder" / "table.csv"
    with pytest.raises(dsg.OutputPathError, match="does not exist"):
        small_projection.to_csv(out)
    with pytest.raises(dsg.OutputPathError, match="does not exist"):
        dsg.write_input_workbook(tmp_path / "nope" / "in.xlsx")
    assert not out.parent.exists() and not (tmp_path / "nope").exists()


def test_a_file_used_as_a_folder_is_exit_2(run_cli, small_path, tmp_path):
    (tmp_path / "plain").write_text("x")
    r = run_cli("project", small_path, "--csv", tmp_path / "plain" / "t.csv")
    assert_refused(r, "not a folder")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in any folder")
def test_unwritable_folder_is_exit_2(run_cli, small_path, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        r = run_cli("project", small_path, "--csv", locked / "t.csv")
        assert_refused(r, "cannot write")
    finally:
        locked.chmod(0o700)


def test_the_same_path_for_two_outputs_is_refused_before_writing(run_cli, small_path, tmp_path):
    out = tmp_path / "x.png"
    r = run_cli("project", small_path, "--csv", out, "--chart", out)
    assert_refused(r, "the same file")
    assert not out.exists() and r.stdout == ""
    # also through another spelling of the same path
    r = run_cli("project", small_path, "--csv", out, "--chart", tmp_path / "." / "x.png", "--force")
    assert_refused(r, "the same file")
    assert not out.exists()


def test_a_stale_temporary_file_is_removed_by_the_next_write(run_cli, small_path, tmp_path):
    out = tmp_path / "table.csv"
    stale = tmp_path / ".table.csv.dsg-k1ll3d_x.tmp"  # as left by a kill mid-write, long ago
    stale.write_text("half a fi")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    # Not ours to remove: another write of the same file still under way (fresh), a user's file
    # that only looks like a temporary one, and another target's temporary file.
    busy = tmp_path / ".table.csv.dsg-abcdefgh.tmp"
    busy.write_text("being written")
    mine = tmp_path / ".table.csv.mynotes1.tmp"
    mine.write_text("notes")
    os.utime(mine, (old, old))
    other = tmp_path / ".other.csv.dsg-abcdefgh.tmp"
    other.write_text("x")
    os.utime(other, (old, old))
    r = run_cli("project", small_path, "--csv", out)
    assert r.returncode == 0, r.stderr
    assert out.read_text().startswith(",") or out.read_text()[:4]
    assert not stale.exists()
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert left == sorted([busy.name, mine.name, other.name])


def test_parallel_writes_of_one_file_all_succeed(small_path, tmp_path):
    # Each write's temporary file is fresh, so no write removes another's mid-write.
    from concurrent.futures import ThreadPoolExecutor

    p = dsg.project(dsg.Scenario.from_file(small_path))
    out = tmp_path / "out" / "table.csv"
    out.parent.mkdir()
    with ThreadPoolExecutor(4) as ex:
        done = list(ex.map(lambda _: p.to_csv(out, overwrite=True), range(40)))
    assert len(done) == 40 and out.read_text() == p.to_csv()
    assert [q.name for q in out.parent.iterdir()] == ["table.csv"]


def test_a_link_to_dev_null_is_refused_and_dev_null_untouched(run_cli, small_path, tmp_path):
    # Through a link, so even the old code (which replaced the link itself) left /dev/null be.
    link = tmp_path / "out.csv"
    link.symlink_to("/dev/null")
    r = run_cli("project", small_path, "--csv", link, "--force")
    assert_refused(r, "/dev/null", "character device", "not a regular file")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode) and link.is_symlink()
