"""What every bench section records: a figure beside its same-run baseline, the bench that
prints and writes them, the machine they were measured on, and percentiles. A leaf module:
the sections import it, and bench/run.py imports the sections."""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: str
    baseline_value: float
    ratio: float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.ratio is None and self.baseline_value:
            self.ratio = round(self.value / self.baseline_value, 3)


class Bench:
    """Collects figures and prints each as it is measured."""

    def __init__(self) -> None:
        self.figures: list[Figure] = []
        self.failures: list[str] = []

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        ratio = f"{figure.ratio:.2f}" if figure.ratio is not None else "-"
        print(
            f"  {figure.name:<52} {figure.value:>12.2f} {figure.unit:<10} "
            f"baseline {figure.baseline_value:>12.2f} ({figure.baseline})  ratio {ratio}",
            flush=True,
        )

    def section(self, title: str, measure: Callable[[Bench], None]) -> None:
        print(f"\n== {title}", flush=True)
        t0 = time.perf_counter()
        try:
            measure(self)
        except Exception as exc:  # one failed section must not hide the others
            self.failures.append(f"{title}: {type(exc).__name__}: {exc}")
            print(f"  FAILED: {type(exc).__name__}: {exc}", flush=True)
        print(f"  ({time.perf_counter() - t0:.0f} s)", flush=True)

    def write(self, path: Path, scale: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "machine": machine(),
            "scale": scale,
            "figures": [asdict(f) for f in self.figures],
            "failures": self.failures,
        }
        path.write_text(json.dumps(document, indent=2))
        print(f"\nwrote {path}")


def machine() -> dict[str, object]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3, 1)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]
