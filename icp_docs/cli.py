"""The ``icp-docs`` command: one small function per subcommand, ``main(args) -> exit code``.

Exit codes: 0 fine, 1 the specs (or the diff) say no, 2 bad usage. Imports are lazy so that a
``validate`` of a small playbook starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NoReturn

if TYPE_CHECKING:
    from .data.evidence_file import Evidence

Handler = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """Bad usage that argparse cannot see (exit 2)."""


def folder_argument(text: str, hint: str = "") -> Path:
    """An existing folder given on the command line; :class:`UsageError` otherwise."""
    folder = Path(text)
    if not folder.is_dir():
        raise UsageError(f"{text}: " + ("not a folder" if folder.exists() else
                                        "no such folder") + hint)
    return folder


def output_argument(text: str, option: str = "--out") -> Path:
    """A folder to write into (it may not exist yet); :class:`UsageError` if it, or the first
    of its parents that exists, is a file."""
    if not text:
        raise UsageError(f"{option}: give the folder to write into")
    folder = Path(text)
    there = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if there is not None and not there.is_dir():
        raise UsageError(f"{option} {text}: a file, not a folder" if there == folder else
                         f"{option} {text}: {there} is a file, not a folder")
    return folder


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="icp-docs",
        description="Validate, diff and publish Ideal Customer Profile playbooks kept as YAML.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("validate", help="check the specs: errors, and lint warnings")
    p.add_argument("specs", nargs="?", default="specs", metavar="SPECS_DIR",
                   help="the folder with playbook.yml and segments/ (default specs)")
    p.add_argument("--strict", action="store_true", help="warnings fail the run too")
    p.add_argument("--format", choices=("text", "json", "github"), default="text",
                   help="text lines (default), a JSON list, or GitHub Actions annotations")
    p.add_argument("--disable", action="append", default=[], metavar="CODE",
                   help="switch a lint rule off by code or name (repeatable)")
    p.add_argument("--evidence", metavar="PATH",
                   help="an `icp-docs evidence` file: also check the specs against the deals")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("schema", help="JSON Schema for playbook.yml and segment files")
    p.add_argument("--out", metavar="DIR", help="write <kind>.schema.json files into DIR")
    p.add_argument("--force", action="store_true",
                   help="replace schema files there even if edited or not written by icp-docs")
    p.set_defaults(handler=cmd_schema)

    p = sub.add_parser("new", help="scaffold a new spec file (never overwrites)")
    kind = p.add_subparsers(dest="kind", metavar="KIND", required=True)
    seg = kind.add_parser("segment", help="a new segment file with every field explained",
                          usage="%(prog)s [-h] [--specs DIR] ID")
    # Optional to argparse only: an ID that starts with "-" ("-foo") reads as an unknown
    # option, and argparse would say the ID is missing; see _parse.
    seg.add_argument("id", metavar="ID", nargs="?",
                     help="the segment id, a slug like multi-entity-close")
    seg.add_argument("--specs", default="specs", metavar="DIR",
                     help="the specs folder (default specs)")
    seg.set_defaults(handler=cmd_new_segment)
    book = kind.add_parser("playbook", help="a new specs folder: playbook.yml and segments/")
    book.add_argument("--specs", default="specs", metavar="DIR",
                      help="the specs folder to start (default specs)")
    book.set_defaults(handler=cmd_new_playbook)

    p = sub.add_parser("render", help="write the generated Markdown pages for any engine")
    p.add_argument("specs", nargs="?", default="specs", metavar="SPECS_DIR",
                   help="the folder with playbook.yml and segments/ (default specs)")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="where to write the pages; only files it wrote before are replaced")
    p.add_argument("--prefix", default="playbook", help="folder of the pages (default playbook)")
    p.add_argument("--templates", default="overrides/icp", metavar="DIR",
                   help="template overrides searched first (default overrides/icp)")
    p.add_argument("--strict", action="store_true", help="lint warnings fail the run too")
    p.add_argument("--evidence", metavar="PATH",
                   help="an `icp-docs evidence` file: figures from data on the pages")
    p.set_defaults(handler=_lazy("icp_docs.render.command", "run"))

    p = sub.add_parser("diff", help="semantic diff between two revisions or spec folders")
    p.add_argument("base", metavar="BASE", help="a git revision, a range (A..B, or A...B from "
                   "their merge base, as for a pull request) or a spec folder")
    p.add_argument("head", nargs="?", metavar="HEAD",
                   help="a git revision or spec folder (default: the working tree)")
    p.add_argument("--specs", default="specs", metavar="DIR",
                   help="specs folder inside the repository (default specs)")
    p.add_argument("--format", choices=("markdown", "json", "text", "github"), default="text",
                   help="text lines (default), a pull-request comment, JSON, or GitHub "
                   "Actions annotations")
    p.add_argument("--exit-code", action="store_true", help="exit 1 when anything changed")
    p.add_argument("--fail-on", action="append", default=[], metavar="IMPACT",
                   help="exit 1 when a change has this impact (repeatable)")
    p.set_defaults(handler=_lazy("icp_docs.history.command", "run"))

    p = sub.add_parser("sql", help="the scoring as one SQL query over an accounts table")
    p.add_argument("segment", nargs="?", metavar="SEGMENT",
                   help="only this segment (default: every segment, and the best of them)")
    _data_options(p)
    # Here, not from icp_docs.data: that would import sqlglot for every command.
    p.add_argument("--dialect", choices=("duckdb", "postgres", "snowflake", "bigquery"),
                   default="duckdb", help="the SQL dialect to print (default duckdb)")
    p.add_argument("--table", default="accounts", metavar="NAME",
                   help="the accounts table, optionally qualified (default accounts)")
    p.set_defaults(handler=_lazy("icp_docs.data.sql_command", "run"))

    p = sub.add_parser("checklists", help="print the qualification checklists to PDF")
    p.add_argument("--pdf", required=True, metavar="OUT.pdf", help="the PDF file to write")
    p.add_argument("--force", action="store_true",
                   help="replace OUT.pdf even if icp-docs did not write it")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4",
                   help="the paper size (default a4)")
    p.add_argument("--segment", metavar="ID", help="only this segment's checklist")
    p.add_argument("--site", default="site", metavar="DIR",
                   help="the built site (default site; built with mkdocs if missing)")
    p.add_argument("--config", default="mkdocs.yml", metavar="FILE",
                   help="mkdocs.yml used to build the site when it is missing")
    p.set_defaults(handler=_lazy("icp_docs.printing.command", "run"))

    _data_parsers(sub)
    return parser


def _data_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``score`` and ``evidence``: the playbook against account and deal data."""
    p = sub.add_parser("score", help="grade every account of a CRM export against the segments")
    p.add_argument("accounts", metavar="ACCOUNTS",
                   help="the export: CSV/TSV (any common encoding), Parquet or JSON lines")
    _data_options(p)
    p.add_argument("--segment", metavar="ID", help="grade against this segment only")
    p.add_argument("--format", choices=("table", "csv", "json", "hubspot"), default="table",
                   help="a summary (table, default), csv, JSON lines, or csv for HubSpot's "
                   "import (hubspot)")
    p.add_argument("--out", metavar="FILE", help="write to FILE (default standard output)")
    p.add_argument("--force", action="store_true", help="replace an existing --out file")
    p.set_defaults(handler=_lazy("icp_docs.data.score_command", "run"))

    p = sub.add_parser("evidence", help="closed deals against the segments, as evidence JSON")
    p.add_argument("deals", metavar="DEALS", help="closed deals: the account columns plus "
                   "outcome (won, lost, churned), amount and closedate")
    _data_options(p)
    p.add_argument("--out", metavar="FILE", help="write to FILE (default standard output)")
    p.add_argument("--force", action="store_true", help="replace an existing --out file")
    p.add_argument("--names", action="store_true",
                   help="list each deal's account name, outcome and segment (left out by "
                   "default: the JSON holds aggregates only)")
    p.set_defaults(handler=_lazy("icp_docs.data.evidence", "run"))


def _data_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--specs", default="specs", metavar="DIR",
                   help="the specs folder (default specs)")
    p.add_argument("--as-of", metavar="DATE",
                   help="the date company ages count to (default today)")
    p.add_argument("--rate", action="append", default=[], metavar="CUR=X",
                   help="what one unit of CUR is worth in the playbook's currency "
                   "(repeatable; over accounts.rates)")


def _version() -> str:
    from . import __version__
    return __version__


def _lazy(module: str, name: str) -> Handler:
    def handler(args: argparse.Namespace) -> int:
        import importlib
        fn: Handler = getattr(importlib.import_module(module), name)
        return fn(args)
    return handler


def main(args: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    ns = _parse(parser, args)
    try:
        code: int = ns.handler(ns)
        return code
    except UsageError as exc:
        parser.exit(2, f"icp-docs: error: {exc}\n")
    except BrokenPipeError:
        return 1
    except KeyboardInterrupt:
        print("icp-docs: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        # A file the command itself reads or writes (not a spec: those become diagnostics).
        print(f"icp-docs: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        # A bug of ours: say so in one line; ICP_DOCS_DEBUG=1 shows the traceback.
        if os.environ.get("ICP_DOCS_DEBUG"):
            raise
        print(f"icp-docs: internal error: {type(exc).__name__}: {exc} (run again with "
              "ICP_DOCS_DEBUG=1 for details, and please report it)", file=sys.stderr)
        return 3
    return 2  # pragma: no cover - parser.exit raises


def _parse(parser: argparse.ArgumentParser, args: Sequence[str] | None) -> argparse.Namespace:
    """``parser.parse_args``, except that ``new segment -foo`` takes ``-foo`` as the ID that
    was meant: refused then as no valid id, in the words every bad id gets."""
    ns, extra = parser.parse_known_args(args)
    if extra and getattr(ns, "handler", None) is cmd_new_segment and ns.id is None \
            and extra[0].startswith("-"):
        ns.id = extra.pop(0)
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return ns


def run() -> NoReturn:
    """The ``icp-docs`` program: :func:`main`, then exit without tearing the interpreter down.

    Freeing every module and object on the way out costs a fifth of a small run (some 70 ms
    of ``icp-docs validate`` on a few files), for nothing: the process ends anyway. Exit
    handlers (temporary folders, logging) still run, and the output is flushed first.

    Pydantic plugins (observability hooks, found through every installed package's entry
    points) are not looked for: that scan was a twentieth of a small ``validate``, and spec
    checking has nothing for them to observe. ``PYDANTIC_DISABLE_PLUGINS=`` (set, empty) in
    the environment brings them back.
    """
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    code = main()
    import atexit

    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # `icp-docs validate | head`: the reader left
        code = code or 1
    os._exit(code)


def cmd_validate(args: argparse.Namespace) -> int:
    """``icp-docs validate``: 0 valid, 1 not (warnings too with --strict), 2 bad usage."""
    import gc

    # A short run that builds many small objects and frees them by reference counting: the
    # cyclic collector would only scan them again and again (a fifth of a large run's time).
    gc.disable()
    from .diagnostics import Code, format_all, has_errors, summary
    from .spec.parallel import cores

    # The first run of a new team is often in the wrong folder, or before there is a playbook.
    specs = folder_argument(args.specs, "; run this where the specs folder is, give its path "
                            "(`icp-docs validate path/to/specs`), or start one with "
                            "`icp-docs new playbook`")
    for name in args.disable:
        code = Code.lookup(name)
        if code is None or code.severity != "warning":
            raise UsageError(f"--disable {name}: not a lint rule (a code like W101 or a name "
                             "like broad-range; errors cannot be switched off)")
    from .lint import verdict

    evidence = read_evidence(args.evidence)
    if evidence is False:
        return 1
    result = verdict(specs, disable=args.disable, jobs=cores(), evidence=evidence)
    if args.format == "json":
        print(format_all(result.diagnostics, "json"))
    elif result.diagnostics:
        print(format_all(result.diagnostics, args.format))
    count, broken = result.files, len(result.broken)
    failed = has_errors(result.diagnostics, strict=args.strict)
    outcome = "invalid" if failed else "valid"
    with_errors = f" ({broken} with errors)" if broken else ""
    # The lines first, then the summary, where both streams go to one log (CI, `2>&1`):
    # standard output to a pipe is flushed only at the end otherwise, after the summary.
    sys.stdout.flush()
    print(f"{args.specs}: {outcome}: {count} segment{'s' * (count != 1)}{with_errors}, "
          f"{summary(result.diagnostics)}", file=sys.stderr)
    return 1 if failed else 0


def read_evidence(path: str | None) -> Evidence | Literal[False] | None:
    """The evidence file an ``--evidence`` option names (None without one); False, after
    saying why on stderr, when it cannot be used."""
    if path is None:
        return None
    from .data.evidence_file import EvidenceError, load_evidence

    try:
        return load_evidence(path)
    except EvidenceError as exc:
        print(f"icp-docs: --evidence {exc}", file=sys.stderr)
        return False


def cmd_schema(args: argparse.Namespace) -> int:
    """``icp-docs schema``: print both schemas, or write them into --out."""
    import json

    from .spec.schema import schemas, write_schemas

    if args.out is None:
        print(json.dumps(schemas(), indent=2))
        return 0
    try:
        for path in write_schemas(output_argument(args.out), force=args.force):
            print(path)
    except FileExistsError as exc:
        print(f"icp-docs: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_new_playbook(args: argparse.Namespace) -> int:
    """``icp-docs new playbook``: start a specs folder; never overwrites."""
    import datetime as dt

    from .spec.scaffold import new_playbook

    specs = Path(args.specs)
    for folder in (specs, specs / "segments"):
        _need_folder(folder)
    try:
        path = new_playbook(specs, dt.date.today())
    except FileExistsError as exc:
        print(f"icp-docs: {exc}", file=sys.stderr)
        return 1
    print(f"created {os.path.relpath(path)}; add segments with `icp-docs new segment ID`")
    return 0


def _need_folder(folder: Path) -> None:
    """:class:`UsageError` when a file (or a link that leads nowhere) stands where the command
    will make or fill a folder."""
    if os.path.lexists(folder) and not folder.is_dir():
        raise UsageError(f"{folder}: a file where the specs need a folder")


def cmd_new_segment(args: argparse.Namespace) -> int:
    """``icp-docs new segment ID``: scaffold a segment file; never overwrites."""
    from .spec.scaffold import new_segment

    if args.id is None:
        raise UsageError("new segment: give the segment id, a slug like multi-entity-close")
    # A new tree where none is would be a playbook without playbook.yml, away from the real one.
    specs = folder_argument(args.specs, "; run this where the specs folder is, pass "
                            "--specs DIR, or start one with `icp-docs new playbook`")
    _need_folder(specs / "segments")
    try:
        path = new_segment(specs, args.id)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    except FileExistsError as exc:
        print(f"icp-docs: {exc}", file=sys.stderr)
        return 1
    print(f"created {os.path.relpath(path)}")
    return 0
