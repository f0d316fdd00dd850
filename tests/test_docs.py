"""Documentation that code generates must stay current."""

from pathlib import Path

import pandas as pd

from probstats.dataset.schema import data_dictionary_markdown

REPO = Path(__file__).resolve().parent.parent


def test_data_dictionary_is_current():
    text = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    start = text.index("<!-- generated from probstats/dataset/schema.py")
    body = text[text.index("\n", start) + 1 : text.index("<!-- end generated -->")]
    assert body == data_dictionary_markdown(), "regenerate data/README.md's data dictionary"


def test_readme_headline_is_the_committed_analysis_table():
    from probstats.dataset.paths import project_root
    from probstats.report.headline import headline_table
    from probstats.report.tables import to_markdown

    root = project_root()
    text = (root / "README.md").read_text(encoding="utf-8")
    start = text.index("\n", text.index("<!-- headline: generated")) + 1
    body = text[start : text.index("<!-- end headline -->")]
    table = pd.read_csv(root / "figures" / "tables" / "analysis_table.csv")
    assert body.strip() == to_markdown(headline_table(table)).strip(), "update the README headline"


def test_readme_coverage_table_is_current():
    import probstats
    from probstats.dataset.summaries import coverage_by_year
    from probstats.report.tables import to_markdown

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


def _docstring_tests():
    import doctest
    import importlib
    import pkgutil

    import probstats

    finder = doctest.DocTestFinder(exclude_empty=True)
    for info in pkgutil.walk_packages(probstats.__path__, "probstats."):
        module = importlib.import_module(info.name)
        for test in finder.find(module, info.name, globs={}):
            if test.examples and test.filename and "probstats" in test.filename:
                yield test


def test_every_docstring_example_runs_in_a_fresh_interpreter():
    """Examples must import what they use: pasted into a new session they must run.

    pytest's doctest collection runs examples with their module's globals, which
    hides a missing ``import numpy as np``; here each example starts from nothing.
    """
    import doctest

    failures = []
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    for test in _docstring_tests():
        runner = doctest.DocTestRunner(optionflags=flags)
        test.globs = {"__name__": "__main__"}
        result = runner.run(test, out=lambda s: None)
        if result.failed:
            failures.append(test.name)
    assert not failures, f"examples that fail in a fresh interpreter: {failures}"
