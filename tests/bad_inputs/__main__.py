"""``python -m tests.bad_inputs``: run the bad-input corpus and print its counts."""

from __future__ import annotations

import json

from tests.bad_inputs.cases import CASES
from tests.bad_inputs.runner import measure

print(json.dumps(measure(CASES), indent=1))
