"""``--lang`` may come before the command, as users of other tools put global options: the
command then speaks that language exactly as with ``--lang`` after it."""

from __future__ import annotations

import pytest

from ovm.cli.app import main


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        status = main(argv)
    except SystemExit as done:
        status = int(done.code or 0)
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.mark.parametrize(
    ("first", "after"),
    [
        (["--lang", "fr", "--help"], ["--help", "--lang", "fr"]),
        (["--lang=pt", "--help"], ["--help", "--lang=pt"]),
        (["--lang", "es", "score", "--help"], ["score", "--help", "--lang", "es"]),
        (
            ["--lang", "fr", "validate", "bundled:deco-voting-abroad"],
            ["validate", "bundled:deco-voting-abroad", "--lang", "fr"],
        ),
        (["--lang", "es", "nosuch"], ["nosuch", "--lang", "es"]),
        # form's --lang adds languages in the order given: the first one stays first, and
        # its messages speak that one.
        (
            ["--lang", "es", "form", "bundled:deco-voting-abroad", "--lang", "fr", "-o", "-"],
            ["form", "bundled:deco-voting-abroad", "--lang", "es", "--lang", "fr", "-o", "-"],
        ),
        (
            ["--lang", "fr", "form", "bundled:deco-voting-abroad", "--lang", "es", "-o", "-"],
            ["form", "bundled:deco-voting-abroad", "--lang", "fr", "--lang", "es", "-o", "-"],
        ),
        (
            ["--lang", "fr", "form", "--lang", "es", "--no-such-option"],
            ["form", "--lang", "fr", "--lang", "es", "--no-such-option"],
        ),
    ],
)
def test_lang_before_the_command_is_lang_after_it(
    first: list[str], after: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    before_run = _run(first, capsys)
    after_run = _run(after, capsys)
    assert before_run == after_run
    assert "'fr'" not in before_run[2] and "'es'" not in before_run[2]
