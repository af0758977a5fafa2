"""One measured run in its own process: a ``gespraechsrunde`` command, or the I/O floors of a workbook.

    python3 benchmarks/lauf.py ERGEBNIS.json CODE befehl -C ORDNER sync
    python3 benchmarks/lauf.py ERGEBNIS.json CODE boden ARBEITSMAPPE.xlsx

``CODE`` is the folder whose ``automation`` package runs (``-``: this checkout), so that an older version
can be measured side by side. The CPU time (user + system) includes the interpreter's start and every
import; the peak memory is the process's maximum resident set.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def _floors(path: Path) -> dict[str, float]:
    """A bare openpyxl load + save and a bare calamine read of the workbook: what the design rests on."""
    import openpyxl
    from python_calamine import CalamineWorkbook

    started = time.process_time()
    workbook = openpyxl.load_workbook(path)
    loaded = time.process_time()
    workbook.save(path.with_name("boden-kopie.xlsx"))
    saved = time.process_time()
    calamine = CalamineWorkbook.from_path(str(path))
    for name in calamine.sheet_names:
        calamine.get_sheet_by_name(name).to_python()
    read = time.process_time()
    return {"openpyxl_laden": loaded - started, "openpyxl_speichern": saved - loaded, "calamine_lesen": read - saved}


def _peak_mb(maxrss_kb: int) -> float:
    """This process's peak resident memory. Linux keeps ``ru_maxrss`` across exec (it would include the
    benchmark's own size at fork time); ``VmHWM`` counts this program only."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return maxrss_kb / 1024


def main() -> None:
    target, code, what, *args = sys.argv[1:]
    if code != "-":
        sys.path.insert(0, code)
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    result: dict[str, float | int] = {}
    status = 0
    if what == "boden":
        result.update(_floors(Path(args[0])))
    else:
        from automation.cli import main as cli

        try:
            cli.main(args=args, prog_name="gespraechsrunde")
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result.update(cpu=usage.ru_utime + usage.ru_stime, mb=_peak_mb(usage.ru_maxrss), code=status)
    Path(target).write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
