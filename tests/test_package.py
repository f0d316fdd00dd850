"""The package works after installation outside the checkout, with its data shipped."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0 and "No module named 'hatchling'" in proc.stderr:
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
            capture_output=True,
            text=True,
        )
    assert proc.returncode == 0, proc.stderr
    (whl,) = out.glob("probstats-*.whl")
    return whl


def test_wheel_ships_raw_and_processed_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for table in ("inspections", "units", "staffing", "case_measures", "standard_ratings"):
        assert f"probstats/_data/raw/{table}.csv" in names
        assert f"probstats/_data/processed/{table}.csv" in names
    assert "probstats/_data/processed/features.csv" in names


def test_loads_outside_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import probstats, pathlib; df = probstats.load_inspections(); "
        "print(len(df), df['overall_rating'].cat.ordered, "
        "pathlib.Path(probstats.__file__).parent.parent == pathlib.Path.cwd() / 'site')"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    n, ordered, outside = proc.stdout.split()
    expected = (REPO / "data" / "processed" / "inspections.csv").read_text().count("\n") - 1
    assert int(n) == expected and ordered == "True" and outside == "True"


def test_installed_build_writes_to_the_current_directory_never_into_the_package(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    package = site / "probstats"
    before = sorted(p.relative_to(site) for p in package.rglob("*"))
    work = tmp_path / "work"
    work.mkdir()
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"}
    run = [sys.executable, "-m", "probstats.cli", "build"]
    proc = subprocess.run(
        [*run, "--no-figures", "-q"], cwd=work, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert (work / "probstats-output" / "processed" / "inspections.csv").is_file()
    assert (work / "probstats-output" / "processed" / ".probstats-manifest.json").is_file()
    assert sorted(
        p.relative_to(site) for p in package.rglob("*") if "__pycache__" not in p.parts
    ) == [p for p in before if "__pycache__" not in p.parts]
    help_text = subprocess.run(
        [*run, "--help"], cwd=work, env=env, capture_output=True, text=True
    ).stdout
    assert "probstats-output" in help_text
    inside = package / "_data" / "processed"
    proc = subprocess.run(
        [*run, "--no-figures", "--out", str(inside)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and "inside the installed package" in proc.stderr
