"""``python -m ovm``."""

from ovm.cli import main

raise SystemExit(main())
