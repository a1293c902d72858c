"""KPI charts drawn server-side with matplotlib as SVG.

Why server-side: the same image serves the screen and the printed annual report for the
committee, needs no JavaScript (nothing to allow in the CSP) and no chart data leaves as
JSON; matplotlib is the maintained plotting standard. Figures are built with the
object-oriented API (no pyplot global state), so concurrent requests do not interfere.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

PALETTE = [
    "#12355b",
    "#f2c14e",
    "#1e7b34",
    "#b3261e",
    "#1d4ed8",
    "#7c3aed",
    "#0f766e",
    "#b45309",
    "#5b6675",
]
LANE_COLOURS = {"red": "#b3261e", "yellow": "#b58100", "green": "#1e7b34", "blue": "#1d4ed8"}


def _figure(width: float = 7.5, height: float = 3.2):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#d5dbe3", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig, ax


def _svg(fig) -> bytes:
    import matplotlib

    fig.tight_layout()
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "cordon"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#5b6675")
    ax.set_xticks([])
    ax.set_yticks([])


def reports_by_month(data: dict[str, Any]) -> bytes:
    fig, ax = _figure()
    rows = data["reports_by_month_channel"]
    if not rows:
        _empty(ax, f"No reports received in {data['year']}")
        return _svg(fig)
    months = data["months"]
    channels = sorted({row["channel"] for row in rows})
    bottom = [0] * len(months)
    labels = [m[5:] for m in months]
    for index, channel in enumerate(channels):
        values = [0] * len(months)
        for row in rows:
            if row["channel"] == channel and row["month"] in months:
                values[months.index(row["month"])] = row["reports"]
        ax.bar(
            labels,
            values,
            bottom=bottom,
            label=channel.replace("_", " "),
            color=PALETTE[index % len(PALETTE)],
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xlabel(f"Month of {data['year']}")
    ax.set_ylabel("Reports")
    ax.legend(fontsize="small", frameon=False, ncols=min(len(channels), 4))
    return _svg(fig)


def _bars(
    rows: list[dict[str, Any]],
    key: str,
    value: str,
    empty: str,
    ylabel: str,
    horizontal: bool = False,
) -> bytes:
    fig, ax = _figure()
    if not rows:
        _empty(ax, empty)
        return _svg(fig)
    names = [str(row[key]) for row in rows][:20]
    values = [row[value] or 0 for row in rows][:20]
    if horizontal:
        ax.barh(names[::-1], values[::-1], color=PALETTE[0])
        ax.set_xlabel(ylabel)
        ax.grid(axis="x", color="#d5dbe3", linewidth=0.6)
    else:
        ax.bar(names, values, color=PALETTE[0])
        ax.set_ylabel(ylabel)
    return _svg(fig)


def reports_by_unit(data: dict[str, Any]) -> bytes:
    return _bars(
        data["reports_by_unit"],
        "unit",
        "reports",
        f"No reports received in {data['year']}",
        "Reports",
        horizontal=True,
    )


def reports_by_grade(data: dict[str, Any]) -> bytes:
    return _bars(
        data["reports_by_grade"],
        "grade",
        "reports",
        f"No reports received in {data['year']}",
        "Reports (source + information grade)",
    )


def hit_rate_by_lane(data: dict[str, Any]) -> bytes:
    fig, ax = _figure()
    rows = data["controls_by_lane"]
    if not rows:
        _empty(ax, f"No control results in {data['year']}")
        return _svg(fig)
    lanes = [row["lane"] for row in rows]
    rates = [100 * (row["hit_rate"] or 0) for row in rows]
    bars = ax.bar(lanes, rates, color=[LANE_COLOURS.get(lane, PALETTE[-1]) for lane in lanes])
    ax.bar_label(
        bars, labels=[f"{row['hits']}/{row['controls']}" for row in rows], fontsize="small"
    )
    ax.set_ylabel("Hit rate (%)")
    ax.set_ylim(0, max(100, *rates))
    return _svg(fig)


def seizures_by_month(data: dict[str, Any]) -> bytes:
    fig, ax = _figure()
    rows = data["controls_by_month"]
    if not any(row["seizures"] for row in rows):
        _empty(ax, f"No seizures recorded in {data['year']}")
        return _svg(fig)
    months = data["months"]
    values = [0] * len(months)
    hits = [0] * len(months)
    for row in rows:
        if row["month"] in months:
            values[months.index(row["month"])] = row["seizures"]
            hits[months.index(row["month"])] = row["hits"]
    labels = [m[5:] for m in months]
    ax.bar(labels, hits, color=PALETTE[1], label="positive controls")
    ax.bar(labels, values, color=PALETTE[3], label="with seizure")
    ax.set_xlabel(f"Month of {data['year']}")
    ax.set_ylabel("Controls")
    ax.legend(fontsize="small", frameon=False)
    return _svg(fig)


CHARTS: dict[str, tuple[str, Callable[[dict[str, Any]], bytes]]] = {
    "reports-by-month": ("Reports received per month, by channel", reports_by_month),
    "reports-by-unit": ("Reports by originating unit", reports_by_unit),
    "reports-by-grade": ("Reports by grade", reports_by_grade),
    "hit-rate-by-lane": ("Control hit rate by lane", hit_rate_by_lane),
    "seizures-by-month": ("Positive controls and seizures per month", seizures_by_month),
}
