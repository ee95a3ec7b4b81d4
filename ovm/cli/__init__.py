"""The ``ovm`` command line: one module per group of commands."""

from ovm.cli.app import main, program

__all__ = ["main", "program"]
