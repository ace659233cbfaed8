"""The public API: every name in ``icp_docs.__all__`` resolves, lazily."""

from __future__ import annotations

import subprocess
import sys

import icp_docs


def test_all_matches_the_lazy_exports() -> None:
    assert sorted(icp_docs.__all__) == sorted(icp_docs._EXPORTS)
    for name in icp_docs.__all__:
        assert getattr(icp_docs, name) is not None, name


def test_importing_the_package_stays_light() -> None:
    # `icp-docs validate` must not pay for Jinja, MkDocs or the renderer at start-up.
    code = "import sys, icp_docs; print(sorted(m for m in sys.modules if m.split('.')[0] in " \
           "{'jinja2', 'mkdocs', 'markdown_it', 'nh3', 'pydantic'}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_segment_reader_starts_before_pydantic_is_imported() -> None:
    # `icp-docs validate` forks the parsing workers first and imports the models while they
    # work: the reader and the folder layout must not import pydantic themselves.
    code = "import sys; from icp_docs.spec import layout, parallel; " \
           "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_workers_are_counted_from_the_cores_this_process_may_use() -> None:
    # A CI runner or container often grants fewer cores than the machine has.
    code = "import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); " \
           "from icp_docs.spec.parallel import cores, usable_jobs; print(cores(), usable_jobs())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "1"]
