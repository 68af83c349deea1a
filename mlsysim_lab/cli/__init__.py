"""The mlsysim-lab command: browse the zoo, evaluate, audit, work the labs, grade a course.

Errors in arguments end with a one-line message on stderr and exit status 2, never a
traceback. Each command group lives in its own module and registers itself here.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from mlsysim_lab import __version__
from mlsysim_lab.cli import (audit_commands, course_commands, lab_commands, solver_commands,
                             zoo_commands)
from mlsysim_lab.cli.common import CommandError, Parser

__all__ = ["CommandError", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="mlsysim-lab", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"mlsysim-lab {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for group in (zoo_commands, solver_commands, audit_commands, lab_commands,
                  course_commands):
        group.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from mlsysim_lab.units import UnitError

    try:
        output = args.handler(args)
    except (CommandError, LookupError, UnitError, ValueError, RuntimeError) as error:
        message = str(error).strip("'\"")
        print(f"mlsysim-lab: error: {message}", file=sys.stderr)
        return 2
    try:
        print(output)
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
    return getattr(args, "exit_code", 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
