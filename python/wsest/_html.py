"""The Jupyter view of a wsest Result: the summary, the verdict and the memory timeline."""
import html


def _mib(value) -> str:
    return "unknown" if value is None else f"{value / 2**20:,.1f} MiB"


def result_html(result) -> str:
    summary, memory = result.summary, result.memory
    rows = [
        ("model", html.escape(result.model)),
        ("target", html.escape(f"{result.device} | {result.ep} | cuDNN {result.cudnn}")),
        ("nodes", f"{summary.nodes} (exact {summary.exact}, upper_bound {summary.upper_bound}, "
                  f"heuristic {summary.heuristic}, unknown {summary.unknown})"),
        ("workspace", f"max {_mib(summary.workspace_max_bytes)}, sum {_mib(summary.workspace_sum_bytes)}"),
        ("weights", _mib(memory.weights_bytes)),
        ("peak", f"{_mib(memory.peak_bytes)} ({html.escape(memory.exactness)})"),
    ]
    if memory.peak_node:
        rows.append(("peak at", html.escape(f"{memory.peak_node['name'] or '(unnamed)'} ({memory.peak_node['op_type']})")))
    if result.budget:
        margin = result.budget.margin_bytes  # None when an order ran out (the CLI's JSON says why)
        rows.append(("budget", f"{_mib(result.budget.budget_bytes)}: <b>{html.escape(str(result.budget.verdict))}</b>"
                               + (f", margin {margin / 2**20:,.1f} MiB" if margin is not None else "")))
        for reason in result.budget.reasons or ():
            rows.append(("", html.escape(reason)))
    if result.max_dim:
        rows.append((f"largest {html.escape(result.max_dim.dim)}", str(result.max_dim.largest)))
    table = "".join(f"<tr><th style='text-align:left'>{k}</th><td style='text-align:left'>{v}</td></tr>"
                    for k, v in rows)
    svg = result.timeline_svg
    if svg.startswith("<?xml"):
        svg = svg[svg.index("?>") + 2:]  # an XML declaration is not allowed inside HTML
    return f"<div><table>{table}</table><div style='max-width:100%;overflow-x:auto'>{svg}</div></div>"
