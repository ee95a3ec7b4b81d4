"""``python -m ovm``."""

from ovm.cli.app import program

program()
