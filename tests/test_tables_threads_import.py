"""A table read while another thread is still importing NumPy reads as any other: the
reader never uses a half-imported module (a workspace reads its tables on two threads)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import importlib.abc, importlib.machinery, sys, threading, time
    from pathlib import Path

    started = threading.Event()

    class SlowNumpy(importlib.abc.MetaPathFinder):
        # NumPy's import is held open long enough for the read to meet it half made.
        def find_spec(self, name, path, target=None):
            if name != "numpy":
                return None
            sys.meta_path.remove(self)
            spec = importlib.machinery.PathFinder.find_spec(name, path)
            real = spec.loader.exec_module

            def exec_module(module):
                started.set()
                time.sleep(0.5)
                real(module)

            spec.loader.exec_module = exec_module
            return spec

    from ovm.data.tables import read_table

    assert "numpy" not in sys.modules
    sys.meta_path.insert(0, SlowNumpy())
    importing = threading.Thread(target=lambda: __import__("numpy"))
    importing.start()
    started.wait()
    df, issues = read_table(Path(sys.argv[1]))
    importing.join()
    print(df.drop("_row").rows(), [i.code for i in issues])
    """
)


def test_a_table_read_during_numpy_s_import_elsewhere_is_read_whole(tmp_path: Path) -> None:
    table = tmp_path / "statistics.csv"
    table.write_text("mission,votes\nm1,10\nm2,\nm3,7\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(table)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[('m1', '10'), ('m2', None), ('m3', '7')] []\n"


COUNTED = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from ovm.data import tables

    tables.COUNT_WITH_NUMPY_FROM = int(sys.argv[2])
    df, issues = tables.read_table(Path(sys.argv[1]))
    print([(i.line, i.code) for i in issues], "numpy" in sys.modules)
    """
)


def test_a_large_table_read_by_itself_is_counted_with_numpy_a_small_one_without(
    tmp_path: Path,
) -> None:
    # NumPy is imported for the count of a file from the size where that costs less than
    # counting without it; either count finds the short row.
    table = tmp_path / "statistics.csv"
    table.write_text("mission,votes\nm1,10\nm2\nm3,7\n", encoding="utf-8")
    size = table.stat().st_size
    seen = []
    for limit in (size + 1, size):
        done = subprocess.run(
            [sys.executable, "-c", COUNTED, str(table), str(limit)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        seen.append(done.stdout)
    assert seen == ["[(3, 'ragged-row')] False\n", "[(3, 'ragged-row')] True\n"]
