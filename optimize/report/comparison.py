"""Named configs side by side: the Markdown table and the figure of ``optimize.studies.comparison`` summaries."""
from __future__ import annotations

from pathlib import Path

from .text import pm


def comparison_table(summary: list[dict]) -> str:
    """Markdown: one row per task, each config's score ± std (spikes per sample)."""
    labels = list(summary[0]["models"])
    lines = ["| task | " + " | ".join(labels) + " |", "|---|" + "---|" * len(labels)]
    for e in summary:
        cells = [f"{pm(m['score'])} ({m['spikes_per_sample'][0]:.3g})" for m in e["models"].values()]
        lines.append(f"| {e['task']} ({e['metric']}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def comparison_figure(summary: list[dict], path: Path, names: list[str] | None = None) -> Path:
    """Score and spikes per sample per task, the configs side by side (error bars: std over seeds); ``names``
    are the bars' short labels (default: the configs' labels)."""
    from hrsnn.measure.plots import panels
    labels = names or list(summary[0]["models"])
    plt, fig, axes = panels(2 * len(summary), 4, 3.2, 2.6)
    for k, e in enumerate(summary):
        for ax, key, what in ((axes[2 * k], "score", e["metric"]),
                              (axes[2 * k + 1], "spikes_per_sample", "spikes / sample")):
            stats = [m[key] for m in e["models"].values()]
            ax.bar(range(len(stats)), [s[0] for s in stats], yerr=[s[1] for s in stats],
                   color=[f"C{(i + 1) % 10}" for i in range(len(stats))])
            ax.set_xticks(range(len(stats)), labels, rotation=30 if len(labels) > 2 else 0, fontsize=8)
            ax.set_title(f"{e['task']}: {what}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
