"""A Ctrl-C stops a command with one line on standard error, in the language asked, and the
process dies of it (the shell shows status 130); nothing half-written is left behind, the
file that was there is kept."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ovm import files
from ovm.cli.app import main
from tests.examples_said import examples_warned

EXAMPLES = Path(__file__).parent.parent / "examples"
MINI = Path(__file__).parent / "data" / "mini"

# ovm as the program, SIGINT sent to it at the moment its output would replace the previous
# file: a Ctrl-C during the write, at a known moment.
DURING_THE_WRITE = (
    "import os, signal, sys\n"
    "import ovm.files\n"
    "class System:\n"
    "    def __getattr__(self, name):\n"
    "        return getattr(os, name)\n"
    "    def replace(self, src, dst):\n"
    "        os.kill(os.getpid(), signal.SIGINT)\n"
    "ovm.files.os = System()\n"
    "sys.argv = ['ovm', *sys.argv[1:]]\n"
    "from ovm.cli import program\n"
    "program()\n"
)

# The same, SIGINT sent while the command line is still being imported.
WHILE_LOADING = (
    "import os, signal, sys\n"
    "class Interrupt:\n"
    "    def find_spec(self, name, path, target=None):\n"
    "        if name == 'ovm.cli.common':\n"
    "            os.kill(os.getpid(), signal.SIGINT)\n"
    "sys.meta_path.insert(0, Interrupt())\n"
    "sys.argv = ['ovm', *sys.argv[1:]]\n"
    "from ovm.cli import program\n"
    "program()\n"
)

# SIGINT sent where the output would replace the previous file, and turned by the code it
# interrupted into an error of its own, as a serialiser that wraps whatever the code it calls
# raises does (pydantic's, with a Python serialiser inside).
WRAPPED = DURING_THE_WRITE.replace(
    "        os.kill(os.getpid(), signal.SIGINT)\n",
    "        try:\n"
    "            os.kill(os.getpid(), signal.SIGINT)\n"
    "            signal.pause()\n"
    "        except KeyboardInterrupt:\n"
    "            raise ValueError('Error calling function: KeyboardInterrupt') from None\n",
)

# A second Ctrl-C while the first is answered: the probe says whether one would be ignored.
SECOND = DURING_THE_WRITE.replace(
    "        os.kill(os.getpid(), signal.SIGINT)\n",
    "        try:\n"
    "            os.kill(os.getpid(), signal.SIGINT)\n"
    "            signal.pause()\n"
    "        finally:\n"
    "            ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN\n"
    "            print('second ignored' if ignored else 'second raises', file=sys.stderr)\n",
)

# SIGINT sent while the command line works out the language of its messages.
WHILE_CHOOSING_THE_LANGUAGE = WHILE_LOADING.replace("'ovm.cli.common'", "'ovm.i18n'")


def _in_shell(probe: str, *args: str) -> tuple[str, str]:
    """Standard output and error of the shell running ``probe`` with ``args``; the shell
    then prints the exit status it saw."""
    command = shlex.join([sys.executable, "-c", probe, *args])
    done = subprocess.run(
        ["/bin/sh", "-c", f'{command}; echo "status $?"'],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done.stdout, done.stderr


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    previous = folder / "result"
    previous.write_text("last week's result", "utf-8")
    return previous


def _left(out: Path) -> tuple[list[str], str]:
    return sorted(p.name for p in out.parent.iterdir()), out.read_text("utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(
    ("command", "lang", "said"),
    [
        (["score", str(EXAMPLES), "-q"], "en", "ovm: interrupted"),
        (["report", str(EXAMPLES), "-q", "--format", "html"], "es", "ovm: interrumpido"),
        (["form", "bundled:deco-voting-abroad", "-q"], "pt", "ovm: interrompido"),
    ],
)
def test_ctrl_c_during_the_write_says_one_line_and_leaves_the_previous_file(
    command: list[str], lang: str, said: str, out: Path
) -> None:
    target = out.with_suffix(".xlsx") if command[0] == "form" else out
    if target != out:
        out.rename(target)
    stdout, stderr = _in_shell(DURING_THE_WRITE, *command, "-o", str(target), "--lang", lang)
    # The examples' two warnings were said as they were read, before the write.
    warned = "" if command[0] == "form" else f"{examples_warned(EXAMPLES, lang)}\n"
    assert (stdout, stderr) == ("status 130\n", f"{warned}{said}\n")
    assert _left(target) == ([target.name], "last week's result")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_while_the_command_line_loads_says_one_line_too() -> None:
    stdout, stderr = _in_shell(WHILE_LOADING, "score", str(EXAMPLES), "--lang", "fr")
    assert (stdout, stderr) == ("status 130\n", "ovm: interrompu\n")


class _Interrupting:
    """The os module, but for a Ctrl-C where the output would replace the previous file."""

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)

    def replace(self, src: str, dst: str) -> None:
        raise KeyboardInterrupt


@pytest.mark.parametrize("command", ["score", "compare", "template"])
def test_main_interrupted_returns_130_and_keeps_the_previous_file(
    command: str,
    out: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(MINI, ws)
    target = out.with_suffix(".xlsx") if command == "template" else out
    if target != out:
        out.rename(target)
    monkeypatch.setattr(files, "os", _Interrupting())
    assert main([command, str(ws), "-q", "-o", str(target)]) == 130
    assert capsys.readouterr().err == "ovm: interrupted\n"
    assert _left(target) == ([target.name], "last week's result")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_that_a_library_turns_into_its_own_error_is_still_a_ctrl_c(out: Path) -> None:
    stdout, stderr = _in_shell(WRAPPED, "score", str(EXAMPLES), "-q", "-o", str(out))
    assert (stdout, stderr) == ("status 130\n", f"{examples_warned(EXAMPLES)}\novm: interrupted\n")
    assert _left(out) == ([out.name], "last week's result")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_second_ctrl_c_is_ignored_from_the_first_on(out: Path) -> None:
    stdout, stderr = _in_shell(SECOND, "score", str(EXAMPLES), "-q", "-o", str(out))
    assert (stdout, stderr) == (
        "status 130\n",
        f"{examples_warned(EXAMPLES)}\nsecond ignored\novm: interrupted\n",
    )


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_while_the_language_is_worked_out_says_one_line() -> None:
    stdout, stderr = _in_shell(WHILE_CHOOSING_THE_LANGUAGE, "score", str(EXAMPLES), "--lang", "pt")
    assert (stdout, stderr) == ("status 130\n", "ovm: interrompido\n")


def test_an_error_without_a_ctrl_c_is_raised_as_it_is(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Only an error after a Ctrl-C is taken for one: a programming error is never swallowed.
    class Failing:
        def __getattr__(self, name: str) -> object:
            return getattr(os, name)

        def replace(self, src: str, dst: str) -> None:
            raise ValueError("a defect")

    monkeypatch.setattr(files, "os", Failing())
    with pytest.raises(ValueError, match="a defect"):
        main(["score", str(EXAMPLES), "-q", "-o", str(tmp_path / "s.json")])
