"""``icp-docs checklists --pdf OUT.pdf``: print the qualification checklists from the built site.

The all-checklists page prints one segment per sheet, in tier order; ``--segment ID`` prints one
segment's sheet. The site is built first (into a temporary folder) when ``--site`` does not
exist. The PDF is written next to its final name and moved into place, so a failed print never
leaves half a file, and an existing file that is not a PDF is never overwritten.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .browser import Fit, Paper, Printer, PrintError, serve
from .site import Checklists, build_site, find_checklists, spec_segments

PDF_MAGIC = b"%PDF-"
_STAMP = b"%icp-docs checklists sha256:"
_MAX_CHECKED = 512 * 1024 * 1024  # a larger file is no pack of ours


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code (0 printed, 1 a problem, explained on stderr)."""
    try:
        out = check_output(Path(args.pdf), force=args.force)
        if args.segment is not None and not Path(args.site).exists():
            check_segment(args.segment, Path(args.config))
        printer = Printer()
        printer.check()
        with site_folder(Path(args.site), Path(args.config)) as (site, shown):
            pages = find_checklists(site, shown)
            target = page_to_print(pages, args.segment)
            with serve(site) as base, printer:
                data, fits = printer.pdf(base + target, args.paper)
        if not fits:
            raise PrintError(f"{target} in {pages.name} shows no checklist: does the playbook "
                             "have a valid segment? (icp-docs validate)")
        write_pdf(out, data)
    except PrintError as exc:
        print(f"icp-docs: {exc}", file=sys.stderr)
        return 1
    for line in fit_warnings(fits, args.paper):
        print(f"icp-docs: warning: {line}", file=sys.stderr)
    print(out)
    return 0


def stamped(data: bytes) -> bytes:
    """The PDF with a last line that says icp-docs wrote it, and a hash of what it wrote: a
    comment after ``%%EOF``, which PDF readers pass over."""
    return data + b"\n" + _STAMP + hashlib.sha256(data).hexdigest().encode() + b"\n"


def _ours(content: bytes) -> bool:
    """Whether ``content`` is a PDF icp-docs wrote (:func:`stamped`), unchanged since."""
    body, _, last = content.rstrip(b"\n").rpartition(b"\n")
    return last.startswith(_STAMP) and \
        hashlib.sha256(body).hexdigest().encode() == last[len(_STAMP):]


def check_output(out: Path, *, force: bool = False) -> Path:
    """The output file, refused when it is a folder, or an existing file that icp-docs did
    not write or that was changed since (unless ``force``: then any PDF)."""
    if out.is_dir():
        raise PrintError(f"{out} is a folder; give a file name such as {out / 'checklists.pdf'}")
    if out.exists():
        try:
            content = out.read_bytes() if out.stat().st_size <= _MAX_CHECKED else b""
        except OSError as exc:
            raise PrintError(f"{out} cannot be read ({exc.strerror}); not overwriting it") from exc
        if not content.startswith(PDF_MAGIC):
            raise PrintError(f"{out} exists and is not a PDF; not overwriting it")
        if not force and not _ours(content):
            raise PrintError(f"{out} exists and was not written by icp-docs checklists, or was "
                             "changed since; not overwriting it (--force replaces it)")
    if not out.parent.is_dir():
        raise PrintError(f"{out.parent} does not exist; create the folder first")
    return out


@contextmanager
def site_folder(site: Path, config: Path) -> Iterator[tuple[Path, str]]:
    """The built site and how messages name it: ``site`` when it exists, else a temporary
    build of ``config``, named after ``config`` (the folder is gone when the message is read).
    """
    if site.exists():
        yield site, str(site)
        return
    with tempfile.TemporaryDirectory(prefix="icp-docs-site-") as tmp:
        print(f"icp-docs: {site} not found; building the site with {config}", file=sys.stderr)
        build_site(config.resolve(), Path(tmp))
        yield Path(tmp), f"the site built from {config}"


def page_to_print(pages: Checklists, segment: str | None) -> str:
    """The URL path of the page to print: the all-checklists page, or one segment's."""
    if segment is None:
        if (pack := pages.pack()) is None:
            raise PrintError(f"{pages.name} has no all-checklists page ({pages.prefix}/"
                             "checklists/); rebuild the site with the icp plugin")
        return pack
    if (page := pages.segment(segment)) is None:
        raise unknown_segment(segment, pages.segment_ids(),
                              f"no checklist page for it in {pages.name}")
    return page


def check_segment(segment: str, config: Path) -> None:
    """Refuse a segment the specs of ``config`` do not have, before a build of the site (a
    while) only to find so. Said nothing when the specs cannot be told from ``config``: the
    built site's pages are asked then."""
    found = spec_segments(config)
    if found is not None and segment not in found[1]:
        specs, known = found
        raise unknown_segment(segment, known, f"{specs} has no segment of that id")


def unknown_segment(segment: str, known: list[str], why: str) -> PrintError:
    """The error for an unknown segment: ``why``, the id it most likely misspells, and the
    ids there are."""
    import difflib  # only a mistyped id needs it

    close = difflib.get_close_matches(segment, known, n=1, cutoff=0.7)
    meant = f"; did you mean '{close[0]}'?" if close else ""
    return PrintError(f"unknown segment '{segment}': {why}{meant} "
                      f"(segments: {', '.join(known) or 'none'})")


def write_pdf(out: Path, data: bytes) -> None:
    """Write ``data`` to ``out`` through a temporary file in the same folder, with the mode a
    plain write would give it: an existing PDF's own, else what the umask leaves of 0666."""
    if not data.startswith(PDF_MAGIC):
        raise PrintError("Chromium did not produce a PDF")
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    try:
        # mkstemp makes the file 0600 whatever the umask: a pack meant to be shared, or
        # published by CI, would be unreadable to everyone else.
        os.fchmod(fd, file_mode(out))
        with os.fdopen(fd, "wb") as handle:
            handle.write(stamped(data))
        os.replace(tmp, out)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise PrintError(f"{out} could not be written: {exc.strerror}") from exc


def file_mode(out: Path) -> int:
    """The permission bits for ``out``: kept from the file it replaces, else 0666 less the
    process's umask (which can only be read by setting it, so it is set back at once)."""
    try:
        return stat.S_IMODE(out.stat().st_mode)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def fit_warnings(fits: list[Fit], paper: Paper) -> Iterator[str]:
    """A line for every checklist that needed shrinking, or that spills over even so."""
    for fit in fits:
        name = fit.id.removeprefix("checklist-") or "a checklist"
        if not fit.fits:
            yield (f"{name} does not fit one {paper} page even in small type and spills onto "
                   "the next; shorten its criteria (lint rule W117 checklist-too-long)")
        elif fit.shrunk:
            yield (f"{name} was shrunk to fit one {paper} page; shorten its criteria (lint "
                   "rule W117 checklist-too-long)")
