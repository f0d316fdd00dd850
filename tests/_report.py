"""One real build with its HTML report, made once per test session and shared.

The report tests (``test_report.py``) and the browser tests
(``test_report_browser.py``) read the same build, so it runs once.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from probstats.dataset.paths import data_dir
from probstats.pipeline import BuildResult, build


@functools.cache
def report_build() -> tuple[Path, BuildResult]:
    """Build the real data into a temporary folder; return the folder and the build result."""
    root = Path(tempfile.mkdtemp(prefix="probstats-report-test-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    result = build(data_dir("raw"), root / "processed", figures_dir=root / "figures")
    return root, result


def report_path() -> Path:
    """The report of that build (``figures/report.html``)."""
    return report_build()[0] / "figures" / "report.html"
