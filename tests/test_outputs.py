"""Safe outputs: refused folders, atomic writes, the build lock and the manifest.

Each test names the failure it guards against: a build deleting or overwriting a
file it did not make, writing over raw data, leaving a half-written file, mixing
two builds, or a reader taking an interrupted build for a complete one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from filelock import FileLock

from probstats.cli import main
from probstats.dataset.loaders import load_inspections, load_staffing, load_units
from probstats.errors import DataValidationError, IncompleteBuildError, UnsafeOutputError
from probstats.outputs import (
    LOCK_NAME,
    MANIFEST_NAME,
    Build,
    Manifest,
    check_output_folders,
    verify_folder,
    write_bytes,
)
from probstats.pipeline import build

REPO = Path(__file__).resolve().parent.parent


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _rewrite_manifest(folder: Path) -> None:
    """Sign the folder's current files into its manifest (as if a build had made them)."""
    with Build({"processed": folder}, force=True) as out:
        out.commit([p for p in folder.glob("*.csv")])


# --------------------------------------------------------------------------- refused folders


def test_a_users_file_in_the_figures_folder_survives_a_build(raw_minimal, tmp_path, capsys):
    figures = tmp_path / "figures"
    figures.mkdir()
    (figures / "my_chart.png").write_bytes(b"my own chart")
    (figures / "my_diagram.svg").write_bytes(b"<svg/>")
    code = main(
        [
            "build",
            "--raw",
            str(raw_minimal),
            "--out",
            str(tmp_path / "p"),
            "--figures",
            str(figures),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "holds files no build made (my_chart.png, my_diagram.svg)" in err
    assert "--force" in err and "Traceback" not in err
    assert sorted(p.name for p in figures.iterdir()) == ["my_chart.png", "my_diagram.svg"]
    assert not (tmp_path / "p").exists()  # nothing written on refusal


def test_force_writes_beside_a_users_files_and_never_deletes_them(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "mine.csv").write_text("my,own\n")
    with Build({"processed": folder}, force=True) as out:
        write_bytes(folder / "a.csv", b"a\n1\n")
        write_bytes(folder / "b.csv", b"b\n2\n")
        out.commit()
    with Build({"processed": folder}, force=True) as out:
        write_bytes(folder / "a.csv", b"a\n3\n")
        out.commit()
    assert (folder / "mine.csv").read_text() == "my,own\n"
    assert not (folder / "b.csv").exists()  # stale: listed in the previous manifest
    assert set(Manifest.read(folder).files) == {"a.csv"}


def test_a_build_never_overwrites_a_file_it_did_not_make(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "inspections.csv").write_text("a user's table\n")
    with Build({"processed": folder}, force=True) as out:
        with pytest.raises(UnsafeOutputError, match="refusing to overwrite .*inspections.csv"):
            write_bytes(folder / "inspections.csv", b"new\n")
        out.commit()
    assert (folder / "inspections.csv").read_text() == "a user's table\n"


def test_out_pointing_at_another_folder_of_raw_data_is_refused(raw_minimal, tmp_path, capsys):
    other = tmp_path / "other_raw"
    shutil.copytree(raw_minimal, other)
    before = _tree(other)
    args = ["build", "--raw", str(raw_minimal), "--out", str(other), "--no-figures"]
    assert main(args) == 1
    assert "holds raw data (units.csv, inspections.csv" in capsys.readouterr().err
    # not even with --force
    assert main([*args, "--force"]) == 1
    assert _tree(other) == before


@pytest.mark.parametrize("where", ["raw", "raw/sub"])
def test_figures_at_or_inside_the_raw_folder_is_refused(raw_minimal, tmp_path, capsys, where):
    before = _tree(raw_minimal)
    target = tmp_path / where
    args = ["build", "--raw", str(raw_minimal), "--out", str(tmp_path / "p")]
    assert main([*args, "--figures", str(target), "--force"]) == 1
    assert "inside the raw data folder" in capsys.readouterr().err
    assert _tree(raw_minimal) == before
    assert not (tmp_path / "p").exists()


def test_output_inside_the_installed_package_is_refused(tmp_path):
    import probstats

    inside = Path(probstats.__file__).parent / "_data" / "processed"
    with pytest.raises(UnsafeOutputError, match="inside the installed package"):
        check_output_folders({"processed": inside})
    assert not inside.exists()


def test_refusal_for_bad_raw_data_writes_nothing(raw_minimal, tmp_path):
    text = (raw_minimal / "inspections.csv").read_text(encoding="utf-8")
    (raw_minimal / "inspections.csv").write_text(text.replace(",Good,", ",Excellent,"))
    assert main(["build", "--raw", str(raw_minimal), "--out", str(tmp_path / "p")]) == 1
    assert not (tmp_path / "p").exists()
    assert not (tmp_path / "figures").exists()


# --------------------------------------------------------------------------- atomic writes


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "t.csv"
    write_bytes(path, b"old\n")

    def boom(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        write_bytes(path, b"new\n")
    assert path.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


# --------------------------------------------------------------------------- the manifest


def test_manifest_lists_every_file_with_its_hash(raw_minimal, tmp_path):
    result = build(raw_minimal, tmp_path / "p")
    body = json.loads((tmp_path / "p" / MANIFEST_NAME).read_text())
    assert sorted(body["files"]) == sorted(p.name for p in result.written)
    for name, entry in body["files"].items():
        data = (tmp_path / "p" / name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
    assert body["files"]["inspections.csv"]["rows"] == 5
    assert body["inputs_sha256"]


def test_loader_refuses_a_processed_csv_cut_at_a_row_boundary(built):
    path = built / "inspections.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:3]))
    with pytest.raises(IncompleteBuildError) as info:
        load_inspections(built)
    assert str(path) in str(info.value)
    assert "2 data rows, the build wrote 5" in str(info.value)


def test_loader_refuses_a_header_only_processed_file(built):
    path = built / "staffing.csv"
    path.write_bytes(path.read_bytes().splitlines(keepends=True)[0])
    with pytest.raises(IncompleteBuildError, match="0 data rows, the build wrote 6"):
        load_staffing(built)
    # signed into the manifest, a header-only table that is never empty is still refused
    inspections = built / "inspections.csv"
    inspections.write_bytes(inspections.read_bytes().splitlines(keepends=True)[0])
    _rewrite_manifest(built)
    with pytest.raises(DataValidationError, match="inspections table has no rows"):
        load_inspections(built)


def test_loader_refuses_a_folder_without_a_manifest(built):
    (built / MANIFEST_NAME).unlink()
    with pytest.raises(IncompleteBuildError, match="no build manifest"):
        load_inspections(built)


def _interrupted_build(raw: Path, out: Path, monkeypatch) -> None:
    """A build that replaced its files and then died before writing its manifest."""

    def killed(self, written=()):
        raise KeyboardInterrupt

    monkeypatch.setattr(Build, "commit", killed)
    with pytest.raises(KeyboardInterrupt):
        build(raw, out)
    monkeypatch.undo()


def test_validate_flags_an_interrupted_build(raw_minimal, tmp_path, monkeypatch, capsys):
    out = tmp_path / "p"
    build(raw_minimal, out)
    assert main(["validate", str(out)]) == 0
    capsys.readouterr()
    text = (raw_minimal / "inspections.csv").read_text(encoding="utf-8")
    (raw_minimal / "inspections.csv").write_text(text.replace(",Good,", ",Outstanding,"))
    _interrupted_build(raw_minimal, out, monkeypatch)
    assert main(["validate", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{out / 'inspections.csv'}: does not match the build manifest" in err
    assert "interrupted" in err
    with pytest.raises(IncompleteBuildError):
        load_inspections(out)
    build(raw_minimal, out)  # the next build repairs the folder
    assert main(["validate", str(out)]) == 0


def test_validate_names_a_missing_processed_table(built, capsys):
    (built / "staffing.csv").unlink()
    assert main(["validate", str(built)]) == 1
    err = capsys.readouterr().err
    assert f"{built / 'staffing.csv'}: listed in the build manifest but missing" in err


def test_validate_flags_outputs_built_from_different_raw_data(built, tmp_path, capsys):
    with Build({"figures": tmp_path / "f"}, inputs="0" * 64) as out:
        write_bytes(tmp_path / "f" / "README.md", b"# Figures\n")
        out.commit()
    assert main(["validate", str(built), str(tmp_path / "f")]) == 1
    assert "built from other raw data than" in capsys.readouterr().err


def test_validate_flags_a_leftover_temporary_file(built, capsys):
    (built / ".units.csv.123-abcd.probstats-tmp").write_bytes(b"unit_id\n")
    assert main(["validate", str(built)]) == 1
    assert "temporary file of an unfinished build" in capsys.readouterr().err
    with Build({"processed": built}) as out:  # removed by the next build
        out.commit()
    assert not list(built.glob("*.probstats-tmp"))


# --------------------------------------------------------------------------- the lock


def test_a_second_build_refuses_or_waits_while_the_lock_is_held(raw_minimal, tmp_path):
    out = tmp_path / "p"
    out.mkdir()
    lock = FileLock(str(out / LOCK_NAME), thread_local=False)
    lock.acquire()
    try:
        with pytest.raises(UnsafeOutputError, match="another build is writing to"):
            build(raw_minimal, out, lock_timeout=0)
        assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]
        messages: list[str] = []

        def progress(message: str) -> None:
            messages.append(message)
            if message.startswith("waiting for another build"):
                threading.Timer(0.3, lock.release).start()  # the other build finishes

        build(raw_minimal, out, lock_timeout=30, progress=progress)
    finally:
        if lock.is_locked:
            lock.release()
    assert any(m.startswith("waiting for another build") for m in messages)
    assert verify_folder(out)[1] == []


def test_a_loader_during_a_build_says_a_build_is_running(built):
    with FileLock(str(built / LOCK_NAME)):
        path = built / "units.csv"
        path.write_bytes(path.read_bytes() + b"x")
        with pytest.raises(IncompleteBuildError, match="a build is writing this folder now"):
            load_units(built)


def _variant(raw: Path, dest: Path) -> Path:
    """A second valid raw folder whose outputs differ from ``raw``'s."""
    shutil.copytree(raw, dest)
    text = (dest / "inspections.csv").read_text(encoding="utf-8")
    (dest / "inspections.csv").write_text(text.replace(",Good,", ",Outstanding,"))
    return dest


def test_two_concurrent_builds_with_different_inputs_never_mix(raw_minimal, built, tmp_path):
    other = _variant(raw_minimal, tmp_path / "raw_b")
    build(other, tmp_path / "alone_b")
    outs = {
        name: {k: v for k, v in _tree(folder).items() if k != LOCK_NAME}
        for name, folder in (("a", built), ("b", tmp_path / "alone_b"))
    }
    shared = tmp_path / "shared"
    cmd = [sys.executable, "-m", "probstats.cli", "build", "--out", str(shared), "--no-figures"]
    env = {**os.environ, "MPLBACKEND": "Agg"}
    procs = [
        subprocess.Popen(
            [*cmd, "--raw", str(raw)], env=env, cwd=REPO, stderr=subprocess.PIPE, text=True
        )
        for raw in (raw_minimal, other)
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    final = {k: v for k, v in _tree(shared).items() if k != LOCK_NAME}
    assert final in (outs["a"], outs["b"])
    assert verify_folder(shared)[1] == []


def test_figures_pointing_at_a_processed_folder_is_refused(built, tmp_path, capsys):
    before = _tree(built)
    raw = REPO / "tests" / "fixtures" / "raw_minimal"
    args = ["build", "--raw", str(raw), "--out", str(tmp_path / "p"), "--figures", str(built)]
    assert main(args) == 1
    assert "holds the processed outputs of a build" in capsys.readouterr().err
    assert _tree(built) == before
