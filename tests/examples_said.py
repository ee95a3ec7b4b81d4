"""What every command says of the example workspace's two variables nothing gives.

The examples give no trust survey of voters abroad (``trust_emb_mean``) and no follow-up of
earlier recommendations (``followup_implemented_pct``), and guess neither (examples/README.md):
every command that loads them warns of both (``variable-not-given``), and with ``-q`` its
standard error is this one line, in the language asked, where it would otherwise be empty.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

BUNDLED = Path(str(resources.files("ovm.rubrics").joinpath("deco-voting-abroad.yaml")))
"""The rubric the examples are scored with, where the warnings are placed."""

_SUMMARY = {
    "en": "{name}: 2 warnings [variable-not-given]; ovm check {name} says where",
    "es": "{name}: 2 advertencias [variable-not-given]; ovm check {name} indica dónde",
    "fr": "{name}\u202f: 2 avertissements [variable-not-given]\u202f; ovm check {name} indique où",
    "pt": "{name}: 2 avisos [variable-not-given]; ovm check {name} indica onde",
}


def examples_warned(name: str | Path, lang: str = "en") -> str:
    """The line a quiet (``-q``) command on the example workspace, named ``name`` as on its
    command line, says of its two warnings in ``lang`` (without the line's end)."""
    return _SUMMARY[lang].format(name=name)


def examples_not_given() -> list[tuple[str, int, int, str]]:
    """(file, line, column, variable) of each warning, in the rubric's order: at the name of
    the variable's declaration in the bundled rubric, which the warnings name as the
    workspace does (``bundled:NAME``), not by where ovm is installed."""
    text = BUNDLED.read_text(encoding="utf-8")
    out = []
    for name in ("trust_emb_mean", "followup_implemented_pct"):
        i = text.index(f"- name: {name}\n") + len("- name: ")
        out.append(
            (
                "bundled:deco-voting-abroad",
                text.count("\n", 0, i) + 1,
                i - text.rfind("\n", 0, i),
                name,
            )
        )
    return out
