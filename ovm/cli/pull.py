"""``ovm pull``: new submissions from ODK Central and KoboToolbox into the workspace's files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ovm.cli.common import (
    EXIT_OK,
    UsageError,
    command_help,
    lang_arg,
    message_lang,
    no_config,
)


def cmd_pull(args: argparse.Namespace) -> int:
    """Fetch what is new on each server a checklist of the workspace names."""
    from ovm.data.workspace import read_config
    from ovm.field.pull import pull_workspace

    root = Path(args.workspace)
    if not root.is_dir():
        raise UsageError(
            f"no workspace folder at {root}", key="usage_no_workspace_folder", path=str(root)
        )
    no_config(root)
    config = read_config(root)
    results = pull_workspace(root, config)
    if not results:
        raise UsageError(
            f"no checklist of {root / 'ovm.yaml'} has a 'pull:' server",
            key="usage_no_pull",
            path=str(root / "ovm.yaml"),
        )
    if not args.quiet:
        for r in results:
            print(r.describe(message_lang(args)), file=sys.stderr)
    return EXIT_OK


def register(sub: Any) -> None:
    """Add ``pull``."""
    p = sub.add_parser("pull", help=command_help("pull"))
    p.add_argument("workspace", metavar="WORKSPACE")
    p.add_argument("-q", "--quiet", action="store_true")
    lang_arg(p)
    p.set_defaults(func=cmd_pull)
