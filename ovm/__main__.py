"""``python -m ovm``."""

import sys

from ovm.cli import main, program

# ``python -m ovm`` names this file as the program (its first argument): ovm owns the process
# and may end it as soon as the command is done. Run from inside another program (``runpy``,
# IPython's ``%run -m``), it returns to that program through SystemExit instead.
if sys.argv[0] == __file__:
    program()
raise SystemExit(main())
