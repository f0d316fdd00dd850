"""The package's house rules, checked on the code itself.

* every exception and warning class is defined in ``probstats/errors.py`` and
  nothing raises a bare built-in exception or warns with a bare built-in warning;
* the dataset layer never imports models or the report; model families import only
  the shared base, the separation checks and the errors; generic inference code
  imports no family (power reuses the ordinal likelihood by design) and never asks
  what class a result is;
* every result type satisfies the :class:`~probstats.models._base.ModelResult`
  contract with the same method signatures and return types;
* no module over about 600 lines and no function over about 80 lines without a
  reason written next to it.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import pkgutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import probstats
from probstats.models._base import GLANCE_COLUMNS, TIDY_COLUMNS, ModelResult
from probstats.models.separation import SeparationReport

PACKAGE = Path(probstats.__file__).parent
SOURCES = sorted(PACKAGE.rglob("*.py"))
BUILTIN_EXCEPTIONS = {
    n for n, v in vars(builtins).items() if isinstance(v, type) and issubclass(v, BaseException)
}
BUILTIN_WARNINGS = {n for n in BUILTIN_EXCEPTIONS if issubclass(getattr(builtins, n), Warning)}


def _modules():
    for info in pkgutil.walk_packages(probstats.__path__, "probstats."):
        yield importlib.import_module(info.name)


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _rel(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


# --------------------------------------------------------------------------- errors


def test_every_exception_and_warning_class_lives_in_errors():
    outside = []
    for module in _modules():
        for name, obj in vars(module).items():
            if (
                isinstance(obj, type)
                and issubclass(obj, BaseException)
                and obj.__module__.startswith("probstats")
                and obj.__module__ != "probstats.errors"
            ):
                outside.append(f"{obj.__module__}.{name}")
    # also classes defined in source but not bound at module level
    for path in SOURCES:
        if _rel(path) == "probstats/errors.py":
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ClassDef):
                bases = {b.id for b in node.bases if isinstance(b, ast.Name)}
                bases |= {b.attr for b in node.bases if isinstance(b, ast.Attribute)}
                if any(b.endswith(("Error", "Warning", "Exception")) for b in bases):
                    outside.append(f"{_rel(path)}:{node.lineno} {node.name}")
    assert not outside, f"exception/warning classes outside probstats/errors.py: {outside}"


def _module_getattr_raises(tree: ast.Module) -> set[int]:
    """Line numbers of raises inside a module-level ``__getattr__`` (PEP 562 requires
    AttributeError there)."""
    lines = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "__getattr__":
            lines |= {n.lineno for n in ast.walk(node) if isinstance(n, ast.Raise)}
    return lines


def test_nothing_raises_a_bare_builtin_exception_or_warning():
    found = []
    for path in SOURCES:
        tree = _tree(path)
        allowed = _module_getattr_raises(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and node.exc is not None and node.lineno not in allowed:
                exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if isinstance(exc, ast.Name) and exc.id in BUILTIN_EXCEPTIONS:
                    found.append(f"{_rel(path)}:{node.lineno} raise {exc.id}")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "warn"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "warnings"
            ):
                category = node.args[1] if len(node.args) > 1 else None
                for kw in node.keywords:
                    if kw.arg == "category":
                        category = kw.value
                if category is None:
                    found.append(f"{_rel(path)}:{node.lineno} warnings.warn without a category")
                elif isinstance(category, ast.Name) and category.id in BUILTIN_WARNINGS:
                    found.append(f"{_rel(path)}:{node.lineno} warns {category.id}")
    assert not found, f"bare built-in exceptions or warnings: {found}"


# --------------------------------------------------------------------------- layers


def _imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return {m for m in out if m.startswith("probstats")}


def test_dataset_never_imports_models_or_report():
    bad = [
        f"{_rel(p)} imports {m}"
        for p in sorted((PACKAGE / "dataset").rglob("*.py"))
        for m in _imports(p)
        if m.startswith(("probstats.models", "probstats.report"))
    ]
    assert not bad, bad


@pytest.mark.parametrize("family", ["ordinal", "binomial"])
def test_model_families_import_only_base_separation_and_errors(family):
    allowed = (
        "probstats.errors",
        "probstats.models._base",
        "probstats.models.separation",
        f"probstats.models.{family}",
        "probstats.dataset.ratings",  # the rating scale an ordinal outcome is read on
    )
    bad = [
        f"{_rel(p)} imports {m}"
        for p in sorted((PACKAGE / "models" / family).rglob("*.py"))
        for m in _imports(p)
        if not m.startswith(allowed)
    ]
    assert not bad, bad


def test_generic_inference_uses_only_the_contract():
    allowed = (
        "probstats.errors",
        "probstats.models._base",
        "probstats.models.separation",
        "probstats.models.inference",
        "probstats.models.ordinal.likelihood",  # power reuses the ordinal likelihood
        # the likelihood-ratio permutation test refits the ordinal likelihoods directly
        "probstats.models.ordinal.penalised",
    )
    generic = [*sorted((PACKAGE / "models" / "inference").rglob("*.py"))]
    bad = [
        f"{_rel(p)} imports {m}" for p in generic for m in _imports(p) if not m.startswith(allowed)
    ]
    assert not bad, bad
    # no class-name checks and no probing for optional attributes of results
    generic.append(PACKAGE / "report" / "analysis.py")
    for path in generic:
        text = path.read_text(encoding="utf-8")
        assert "__name__ ==" not in text and "__name__ in" not in text, path
        assert 'getattr(result, "separation"' not in text, path
        assert "OrderedModel" not in text, path


# --------------------------------------------------------------------------- the contract


def _ordinal_data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 40, n)
    codes = np.digitize(2 - 0.06 * x + rng.logistic(size=n), [-1.0, 1.0, 3.0])
    return pd.DataFrame(
        {
            "rating": pd.Categorical.from_codes(codes, dtype=probstats.RATING_DTYPE),
            "x": x,
            "g": rng.choice(["a", "b"], n),
            "region": rng.choice(list("ABCDEFGHIJKL"), n),
            "n": 30,
        }
    ).assign(k=lambda d: rng.binomial(30, 1 / (1 + np.exp(-(0.5 - 0.02 * d["x"])))))


def _results():
    from probstats.models import fit_binomial, fit_change, fit_contextual, fit_ordinal

    df = _ordinal_data()
    common = dict(trials="n", outcome_scale="count", warn=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield "ordinal", fit_ordinal(df, "rating", ["x", "g"], warn=False)
        for family in ("binomial", "quasibinomial", "betabinomial"):
            for effect in ("none", "cluster"):
                yield (
                    f"{family}/{effect}",
                    fit_binomial(df, "k", ["x"], family=family, region_effect=effect, **common),
                )
        yield (
            "binomial/random",
            fit_binomial(df, "k", ["x"], family="binomial", region_effect="random", **common),
        )
        change = df.assign(rating_change=np.round(-0.03 * df["x"] + df.index % 3 - 1))
        yield "change/linear", fit_change(change, ["x"], warn=False)
        yield "change/ordinal", fit_change(change, ["x"], model="ordinal", warn=False)
        yield "contextual", fit_contextual(df, "k", ["x"], **common)


RESULTS = dict(_results())


def _signature(fn) -> list[tuple[str, object, object]]:
    sig = inspect.signature(fn)
    return [(p.name, p.kind, p.default) for p in sig.parameters.values() if p.name != "self"]


@pytest.mark.parametrize("name", list(RESULTS))
def test_every_result_satisfies_the_model_result_contract(name):
    res = RESULTS[name]
    assert isinstance(res, ModelResult)
    for method in ("tidy", "glance", "augment", "predict_proba"):
        assert _signature(getattr(res, method)) == _signature(getattr(ModelResult, method)), (
            f"{name}.{method} has a different signature from the contract"
        )
    assert isinstance(res.separation, SeparationReport)
    tidy = res.tidy()
    assert list(tidy.columns[: len(TIDY_COLUMNS)]) == TIDY_COLUMNS
    glance = res.glance()
    assert list(glance.columns[: len(GLANCE_COLUMNS)]) == GLANCE_COLUMNS and len(glance) == 1
    assert isinstance(res.augment(), pd.DataFrame)
    assert isinstance(res.params, pd.Series) and isinstance(res.cov_params(), pd.DataFrame)
    assert isinstance(res.estimable, bool) and isinstance(res.converged, bool)
    if res.categories:
        proba = res.predict_proba(res.data.head(3))
        assert isinstance(proba, pd.DataFrame) and list(proba.columns) == res.categories
    else:
        with pytest.raises(probstats.errors.ModelSpecificationError, match="category"):
            res.predict_proba(res.data.head(3))
    fn = res.refit_fn()
    assert callable(fn)


def test_the_contract_covers_every_family():
    assert {type(r).__name__ for r in RESULTS.values()} == {
        "OrdinalResult",
        "BinomialResult",
        "ChangeResult",
    }


# --------------------------------------------------------------------------- size


def _reasoned(lines: list[str], lineno: int) -> bool:
    """A ``# long:`` comment on the def line, just above it, or on the next line."""
    window = lines[max(lineno - 3, 0) : lineno + 1]
    return any("# long:" in w for w in window)


def test_no_oversized_module_or_function_without_a_reason():
    big = []
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        if len(lines) > 620 and "# long module:" not in text:
            big.append(f"{_rel(path)}: {len(lines)} lines")
        for node in ast.walk(_tree(path)):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            body = node.body
            start = node.lineno
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                start = body[0].end_lineno + 1  # docstrings do not count
            length = node.end_lineno - start + 1
            if length > 85 and not _reasoned(lines, node.lineno):
                big.append(f"{_rel(path)}:{node.lineno} {node.name}: {length} lines")
    assert not big, f"split these or say why next to them (# long: ...): {big}"


def test_import_probstats_makes_models_usable():
    import subprocess
    import sys

    code = "import probstats; print(probstats.models.fit_ordinal.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "fit_ordinal", out.stderr


# --------------------------------------------------------------------------- one registry

REPO = PACKAGE.parent


def test_validate_raw_checks_all_seven_raw_files_against_the_registry():
    from probstats.dataset.schema import RAW_TABLES
    from probstats.dataset.validate import validate_path

    out = "\n".join(validate_path(REPO / "data" / "raw"))
    assert len(RAW_TABLES) == 7
    for table in ("workforce_official", "bulletin_2021_02"):
        assert f"raw {table} (" in out
    assert "inspections, all checks passed" in out
    raw_files = {p.stem for p in (REPO / "data" / "raw").glob("*.csv")}
    assert raw_files == set(RAW_TABLES)


def test_sources_table_lists_every_url_cited_in_raw_data():
    cited = set()
    for path in (REPO / "data" / "raw").glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for cell in frame["source_url"]:
            cited |= {u.strip() for u in cell.split(" ; ") if u.strip()}
    listed = set(probstats.load_sources()["url"])
    assert cited == listed, (sorted(cited - listed)[:5], sorted(listed - cited)[:5])


def test_processed_column_types_come_from_the_registry():
    from probstats.dataset.schema import processed_kind

    inspections = probstats.load_inspections()
    assert isinstance(inspections["overall_rating"].dtype, pd.CategoricalDtype)
    assert str(inspections["publication_date"].dtype).startswith("datetime64")
    assert str(inspections["score"].dtype) == "Int64"
    assert processed_kind("previous_overall_rating") == "rating"
    assert processed_kind("rating_change") == "integer"
