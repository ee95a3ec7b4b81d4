"""French spaces its high punctuation (a narrow no-break space before ``:`` ``;`` ``?`` ``!``):
the command line's sentences follow that rule, the values the user typed into them do not.

A message quotes what was typed so that it can be recognised and pasted back: each refusal is
run through ``ovm`` under ``--lang fr`` and its whole line compared with the sentence spaced and
the value exactly as given.
"""

from __future__ import annotations

import contextlib
import io
import string
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ovm.cli.app import main

MINI = Path(__file__).parent / "data" / "mini"
NNBSP = "\u202f"
METHODS = "arithmetic, geometric, harmonic, generalised, minimum, sum"
NORMALISATIONS = (
    "'none', 'minmax', 'zscore', 'rank', 'percentile', 'distance_to_best', 'distance_to_target'"
)


def _stderr(argv: list[str]) -> tuple[object, str]:
    """The exit status and standard error of a command line."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code: object = main(argv)
        except SystemExit as exc:
            code = exc.code
    return code, err.getvalue()


def test_an_aggregation_refused_in_french_is_quoted_as_typed() -> None:
    said = {
        value: _stderr(["compare", str(MINI), "--aggregation", value, "--lang", "fr", "-q"])
        for value in ("minimum:", "nope: x", "x=geometric?")
    }
    assert said == {
        "minimum:": (2, f"ovm: minimum ne prend pas d'exposant{NNBSP}: «\u202fminimum:\u202f»\n"),
        "nope: x": (
            2,
            f"ovm: agrégation inconnue «\u202fnope: x\u202f»{NNBSP}; attendu l'une des méthodes "
            f"{METHODS}"
            " (generalised:P pour une moyenne généralisée d'exposant P)\n",
        ),
        "x=geometric?": (
            2,
            f"ovm: agrégation inconnue «\u202fgeometric?\u202f»{NNBSP}; attendu l'une des méthodes "
            f"{METHODS}"
            " (generalised:P pour une moyenne généralisée d'exposant P)\n",
        ),
    }


def test_an_argparse_refusal_in_french_quotes_the_value_as_typed() -> None:
    code, err = _stderr(["compare", str(MINI), "--normalisation", "x: y ?", "--lang", "fr"])
    assert (code, err.splitlines()[-1]) == (
        2,
        f"ovm compare: erreur{NNBSP}: argument --normalisation{NNBSP}: choix non valide{NNBSP}:"
        f" 'x: y ?' (choisissez parmi {NORMALISATIONS})",
    )


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet=string.ascii_lowercase + " :;?!", min_size=1, max_size=12))
def test_any_value_argparse_refuses_is_quoted_as_typed_in_french(value: str) -> None:
    assume(value not in ("none", "minmax", "zscore", "rank", "percentile"))
    code, err = _stderr(["compare", str(MINI), "--normalisation", value, "--lang", "fr"])
    line = err.splitlines()[-1]
    assert (code, line) == (
        2,
        f"ovm compare: erreur{NNBSP}: argument --normalisation{NNBSP}: choix non valide{NNBSP}:"
        f" {value!r} (choisissez parmi {NORMALISATIONS})",
    )
