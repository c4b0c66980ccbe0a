"""The garden-hose picture for the Learn page, drawn with Plotly (no raw HTML)."""

from __future__ import annotations

import functools
import math

import plotly.graph_objects as go

STOPS = ["neck", "mid<br>back", "low<br>back", "pelvis", "knee", "ankle", "foot"]
HOSE = "#1f6f78"
KINK = "#c0602a"


def _hose(fig: go.Figure, y0: float, kinks: list[int], flow: str) -> None:
    """A hose from spine (left) to foot (right), pinched at each kink."""
    xs = [i / 100 * (len(STOPS) - 1) for i in range(101)]
    half = []
    for x in xs:
        width = 0.28
        for k in kinks:
            width -= 0.26 * math.exp(-((x - k) ** 2) / 0.015)
        half.append(max(width, 0.03))
    upper = [y0 + h for h in half]
    lower = [y0 - h for h in half]
    fig.add_trace(
        go.Scatter(
            x=xs + xs[::-1],
            y=upper + lower[::-1],
            fill="toself",
            fillcolor=HOSE,
            line={"color": HOSE, "width": 1},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[STOPS_X[k] for k in kinks],
            y=[y0 + 0.42] * len(kinks),
            mode="markers",
            marker={"symbol": "triangle-down", "size": 14, "color": KINK},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_annotation(x=len(STOPS) - 1 + 0.15, y=y0, text=flow, showarrow=False, xanchor="left", font={"size": 13})


STOPS_X = list(range(len(STOPS)))


@functools.cache
def hose_figure() -> go.Figure:
    """Two hoses: one kink keeps the flow; several kinks along the way nearly stop it.

    Built once per process: it depends on nothing the person entered.
    """
    fig = go.Figure()
    _hose(fig, 1.3, [5], "strong<br>flow")
    _hose(fig, 0.0, [0, 2, 3, 5], "weak<br>flow")
    fig.add_annotation(x=0, y=1.95, text="<b>One kink</b>", showarrow=False, xanchor="left")
    fig.add_annotation(x=0, y=0.65, text="<b>Several small kinks</b>", showarrow=False, xanchor="left")
    fig.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        xaxis={
            "tickmode": "array",
            "tickvals": STOPS_X,
            "ticktext": STOPS,
            "range": [-0.3, len(STOPS) + 0.3],
            "tickfont": {"size": 11},
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
        },
        yaxis={"visible": False, "range": [-0.5, 2.1], "fixedrange": True},
        plot_bgcolor="rgba(0,0,0,0)",
        paper_bgcolor="rgba(0,0,0,0)",
    )
    return fig
