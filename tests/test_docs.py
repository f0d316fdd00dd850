"""Documentation that code generates must stay current."""

from pathlib import Path

from probstats.schema import data_dictionary_markdown

REPO = Path(__file__).resolve().parent.parent


def test_data_dictionary_is_current():
    text = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    start = text.index("<!-- generated from probstats/schema.py")
    body = text[text.index("\n", start) + 1 : text.index("<!-- end generated -->")]
    assert body == data_dictionary_markdown(), "regenerate data/README.md's data dictionary"


def test_readme_coverage_table_is_current():
    import probstats
    from probstats.summaries import coverage_by_year
    from probstats.tables import to_markdown

    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("\n", text.index("<!-- coverage: generated")) + 1
    body = text[start : text.index("<!-- end coverage -->")]
    expected = to_markdown(coverage_by_year(probstats.load_inspections()).reset_index())
    assert body.strip() == expected.strip(), "update the README coverage table"


def test_readme_commands_are_the_ones_ci_runs():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    test_cmd = (
        'python3 -m venv .venv && .venv/bin/pip install -e ".[test]" && .venv/bin/python -m pytest'
    )
    assert test_cmd in readme
    assert test_cmd.replace("pip install", "pip install --quiet") in ci
