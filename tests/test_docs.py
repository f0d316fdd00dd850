"""Documentation that code generates must stay current."""

from pathlib import Path

from probstats.schema import data_dictionary_markdown

REPO = Path(__file__).resolve().parent.parent


def test_data_dictionary_is_current():
    text = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    start = text.index("<!-- generated from probstats/schema.py")
    body = text[text.index("\n", start) + 1 : text.index("<!-- end generated -->")]
    assert body == data_dictionary_markdown(), "regenerate data/README.md's data dictionary"
