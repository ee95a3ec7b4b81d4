"""``python -m ovm``."""

from ovm.cli.app import main

raise SystemExit(main())
