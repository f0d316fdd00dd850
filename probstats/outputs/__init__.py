"""Safe outputs: atomic writes, a build lock, a manifest, and which folders a build may write.

How ``probstats build`` writes
------------------------------
1. **Refuse unsafe folders first** (:func:`check_output_folders`), before anything
   is read or written. An output folder may not be the raw data folder or lie
   inside it; may not hold raw tables; may not lie inside the installed package;
   may not hold the other kind of outputs (figures in a processed folder); and
   may not hold files that no build made (``force`` allows such files: they are
   then left alone, never deleted or overwritten).
2. **Lock** each output folder (``.probstats-build.lock``, with :mod:`filelock`):
   a second build waits for the first to finish (up to a timeout) and then
   writes its own complete set, so two builds never mix. The lock is an
   operating-system lock, released when a build ends or is killed.
3. **Write atomically** (:func:`write_bytes`): each file goes to a temporary file
   in the same folder, is flushed to disk and moved into place with
   :func:`os.replace`. A reader sees the old file or the new one, never a part.
   Before each file is written its name is appended to the folder's journal
   (``.probstats-journal``), so the files of a build that never finished are
   still known as a build's own, not taken for someone else's.
4. **Remove stale outputs**: files the previous build wrote (listed in its
   manifest or journal) that this build no longer makes. Nothing else is ever
   deleted.
5. **Write the manifest last** (``.probstats-manifest.json``): the SHA-256, size
   and, for CSV files, number of rows of every file the build wrote, and a digest
   of the raw inputs it read. Then the journal is removed.

Readers check that manifest (:func:`verified_bytes`, :func:`verify_folder`): a file
changed since its build, missing, or written by a build that did not finish (a
SIGKILL, a power cut, a build still running) no longer matches, and the loaders
and ``probstats validate`` say so with :class:`~probstats.errors.IncompleteBuildError`
naming the file. A truncated CSV or a header-only file cannot pass for a table
with fewer rows.

Files are replaced one by one as the build makes them, so a folder is consistent
only once its manifest matches; code that reads outputs during a build (a report
embedding a figure) reads the file just written.

Code that writes build outputs should call :func:`write_bytes`: inside a
:class:`Build` the file is then checked against the folder's ownership rules and
listed in the manifest automatically.

Modules: :mod:`~probstats.outputs.files` (atomic writes, the manifest, checks
against it), :mod:`~probstats.outputs.folders` (which folders a build may write),
:mod:`~probstats.outputs.build` (the lock, the journal and the commit).
"""

from probstats.outputs.build import Build, building, write_bytes
from probstats.outputs.files import (
    DEFAULT_LOCK_TIMEOUT,
    JOURNAL_NAME,
    LOCK_NAME,
    MANIFEST_NAME,
    TEMP_SUFFIX,
    FileEntry,
    Manifest,
    csv_rows,
    inputs_digest,
    lock_held,
    sha256,
    verified_bytes,
    verify_folder,
)
from probstats.outputs.folders import check_output_folders

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "JOURNAL_NAME",
    "LOCK_NAME",
    "MANIFEST_NAME",
    "TEMP_SUFFIX",
    "Build",
    "FileEntry",
    "Manifest",
    "building",
    "check_output_folders",
    "csv_rows",
    "inputs_digest",
    "lock_held",
    "sha256",
    "verified_bytes",
    "verify_folder",
    "write_bytes",
]
