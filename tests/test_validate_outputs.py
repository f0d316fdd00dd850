"""``probstats validate`` on processed files and build output folders: how each file is
recognised, the exact summaries and messages, and which error class a problem raises."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from probstats.dataset.validate import validate_file, validate_path, validate_paths
from probstats.errors import DataValidationError, IncompleteBuildError
from probstats.outputs import MANIFEST_NAME, Build, write_bytes

REPO = Path(__file__).resolve().parent.parent


def _sign(folder: Path) -> None:
    """Write the folder's manifest for its current files (as if a build had made them)."""
    with Build({"processed": folder}, force=True) as out:
        out.commit(list(folder.glob("*.csv")))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(exc: pytest.ExceptionInfo) -> list[str]:
    return [str(p) for p in exc.value.problems]


# --------------------------------------------------------------------------- single files


def test_unknown_table_name_lists_the_known_ones(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("a\n1\n")
    with pytest.raises(DataValidationError) as info:
        validate_file(path)
    assert _problems(info) == [
        f"{path}: unknown table name 'notes'; expected one of bulletin_2021_02, case_measures, "
        "features, inspections, panel, sources, staffing, staffing_features, standard_ratings, "
        "units, workforce_official, or a staffing panel (any name; header unit, period, measure, "
        "grade, value, provenance, private, notes)"
    ]


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(DataValidationError) as info:
        validate_file(tmp_path / "units.csv")
    assert _problems(info) == [f"{tmp_path / 'units.csv'}: file not found"]


def test_a_processed_file_in_its_build_folder(built):
    assert validate_file(built / "inspections.csv") == "processed inspections (5 rows)"
    assert validate_file(built / "panel.csv") == "processed panel (2 rows)"
    (built / "features.csv").unlink()  # units.csv has the raw columns: known by the manifest
    assert validate_file(built / "units.csv") == "processed units (4 rows)"


def test_a_processed_file_is_recognised_by_its_columns_or_by_features(built, tmp_path):
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(built / "inspections.csv", alone)  # derived columns: processed
    with pytest.raises(IncompleteBuildError, match="no build manifest"):
        validate_file(alone / "inspections.csv")
    beside = tmp_path / "beside"
    beside.mkdir()
    for name in ("units.csv", "features.csv"):  # raw columns, but beside features.csv
        shutil.copy(built / name, beside)
    with pytest.raises(IncompleteBuildError, match="no build manifest"):
        validate_file(beside / "units.csv")


def test_a_file_that_fails_its_manifest_and_its_schema_reports_both(built):
    path = built / "inspections.csv"
    _edit(path, ",Good,3,", ",good,3,")
    with pytest.raises(IncompleteBuildError) as info:
        validate_file(path)
    problems = _problems(info)
    assert any("does not match the build manifest" in p for p in problems)
    assert any("not one of the four rating labels" in p for p in problems)


def test_a_signed_file_with_a_bad_cell_is_a_data_error_not_an_incomplete_build(built):
    _edit(built / "inspections.csv", ",Good,3,", ",good,3,")
    _sign(built)
    with pytest.raises(DataValidationError) as info:
        validate_file(built / "inspections.csv")
    assert not isinstance(info.value, IncompleteBuildError)
    assert len(info.value.problems) == 1


def test_a_valid_file_that_differs_from_its_manifest_is_an_incomplete_build(built):
    path = built / "units.csv"
    _edit(path, "fictional", "fictional too")
    with pytest.raises(IncompleteBuildError) as info:
        validate_file(path)
    assert len(info.value.problems) == 1
    assert _problems(info)[0].startswith(f"{path}: does not match the build manifest")


# --------------------------------------------------------------------------- folders


def test_an_output_folder_summary_and_files_that_are_not_tables(built):
    (built / "a_note.csv").write_text("x\n1\n")  # not a table: skipped, not parsed
    lines = validate_path(built)
    assert lines[-1] == f"build output {built}: 8 files match the build manifest"
    assert "processed features (5 rows)" in lines and "processed inspections (5 rows)" in lines
    assert len(lines) == 9


def test_a_processed_folder_without_features_or_manifest_is_still_an_output_folder(built):
    (built / "features.csv").unlink()
    with pytest.raises(IncompleteBuildError) as info:
        validate_path(built)
    assert any(
        "features.csv: listed in the build manifest but missing" in p for p in _problems(info)
    )
    shutil.copy(REPO / "tests" / "fixtures" / "raw_minimal" / "units.csv", built / "x.csv")
    (built / MANIFEST_NAME).unlink()
    with pytest.raises(IncompleteBuildError, match="no build manifest"):
        validate_path(built)


def test_a_folder_with_features_but_no_manifest_is_not_raw(built):
    (built / MANIFEST_NAME).unlink()
    with pytest.raises(IncompleteBuildError) as info:
        validate_path(built)
    assert _problems(info) == [
        f"{built / MANIFEST_NAME}: no build manifest: the folder was not made by `probstats build`, or its first build did not finish; run `probstats build`"
    ]


def test_every_bad_cell_of_every_file_is_reported_as_data_errors(built):
    _edit(built / "inspections.csv", ",Good,3,", ",good,3,")
    _edit(built / "units.csv", "Southmere,Wales", "Southmere,Atlantis")
    _sign(built)
    with pytest.raises(DataValidationError) as info:
        validate_path(built)
    assert not isinstance(info.value, IncompleteBuildError)
    files = {p.file for p in info.value.problems}
    assert files == {str(built / "inspections.csv"), str(built / "units.csv")}


def test_a_raw_folder_lists_the_folder_and_each_table_outside_it():
    lines = validate_path(REPO / "data" / "raw")
    assert lines[0].endswith("inspections, all checks passed")
    assert [line.split(" (")[0] for line in lines[1:]] == [
        "raw workforce_official",
        "raw bulletin_2021_02",
    ]


# --------------------------------------------------------------------------- several paths


def test_several_clean_paths_report_every_result(built):
    lines = validate_paths([built / "units.csv", built / "staffing.csv"])
    assert lines == ["processed units (4 rows)", "processed staffing (6 rows)"]


def test_problems_of_several_paths_are_all_reported(built, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(built, other)
    for folder in (built, other):
        _edit(folder / "inspections.csv", ",Good,3,", ",good,3,")
        _sign(folder)
    with pytest.raises(DataValidationError) as info:
        validate_paths([built, other])
    assert not isinstance(info.value, IncompleteBuildError)
    assert {Path(p.file).parent for p in info.value.problems} == {built, other}


def test_an_incomplete_build_anywhere_makes_the_whole_check_incomplete(built, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(built, other)
    _edit(built / "units.csv", "fictional", "fictional too")  # incomplete build
    _edit(other / "inspections.csv", ",Good,3,", ",good,3,")  # a bad cell only
    _sign(other)
    with pytest.raises(IncompleteBuildError) as info:
        validate_paths([built, other])
    assert {Path(p.file).parent for p in info.value.problems} == {built, other}


def test_outputs_from_different_raw_data_are_a_mixed_build(built, tmp_path):
    figures = tmp_path / "figures"
    with Build({"figures": figures}, inputs="f" * 64) as out:
        write_bytes(figures / "README.md", b"# Figures\n")
        out.commit()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / MANIFEST_NAME).write_text("{not json")
    with pytest.raises(IncompleteBuildError) as info:
        validate_paths([broken, built, figures])
    assert (
        f"{figures / MANIFEST_NAME}: built from other raw data than {built}: a mixed build; run `probstats build`"
        in _problems(info)
    )


def test_outputs_whose_manifest_records_no_inputs_are_not_compared(built, tmp_path):
    figures = tmp_path / "figures"
    with Build({"figures": figures}) as out:  # e.g. build_publication on its own
        write_bytes(figures / "README.md", b"# Figures\n")
        out.commit()
    assert (
        validate_paths([built, figures])[-1]
        == f"build output {figures}: 1 files match the build manifest"
    )
