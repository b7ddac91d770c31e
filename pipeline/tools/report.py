"""`schv report`: one self-contained HTML page about what the corpus holds.

Charts are drawn by matplotlib as inline SVG (no script, no network needed to view the
page): questions per month and per minister, share answered, why no answer delay is shown,
the most cited instruments, money amounts by order of magnitude, and the errors.
"""

from __future__ import annotations

import datetime as dt
import html
import io
from collections import Counter
from pathlib import Path

from pipeline import __version__
from pipeline.commit.parts import read_table
from pipeline.commit.store import write_text

CSS = """
body{font-family:Verdana,DejaVu Sans,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2733;background:#fbfaf7}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{font-size:1.15rem;margin-top:2.2rem;border-bottom:2px solid #d9d4c7;padding-bottom:.3rem}
.lead{color:#5b6570} .cards{display:flex;gap:1rem;flex-wrap:wrap;margin:1.2rem 0}
.card{background:#fff;border:1px solid #e3ded2;border-radius:8px;padding:.8rem 1.1rem;min-width:140px}
.card b{display:block;font-size:1.5rem} .note{color:#5b6570;font-size:.9rem}
table{border-collapse:collapse;font-size:.85rem;width:100%} td,th{border-bottom:1px solid #e3ded2;padding:.3rem .5rem;text-align:left}
figure{margin:0;background:#fff;border:1px solid #e3ded2;border-radius:8px;padding:.5rem}
"""
COLOR = "#2f6690"


def _read(out_dir: Path, name: str) -> list[dict]:
    table = read_table(out_dir, name)
    return table.to_pylist() if table is not None else []


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg") :]


def _plt():
    """pyplot for inline SVG: no display, text kept as text, stable element ids."""
    import logging

    import matplotlib

    matplotlib.use("Agg")
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
    matplotlib.rcParams.update({"svg.fonttype": "none", "font.size": 9, "svg.hashsalt": "schv"})
    import matplotlib.pyplot as plt

    return plt


def _tidy(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _bar(labels: list[str], values: list[float], *, horizontal: bool = False, xlabel: str = "", ylabel: str = "", width: float = 10, height: float = 3.2) -> str:
    """Bars of categories; horizontal ones keep long labels (names) readable."""
    plt = _plt()
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=(width, height))
    (ax.xaxis if horizontal else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
    if horizontal:
        ax.barh(labels[::-1], values[::-1], color=COLOR)
    else:
        ax.bar(labels, values, color=COLOR)
        if len(labels) > 8:
            ax.tick_params(axis="x", labelrotation=90)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    _tidy(ax)
    return _svg(fig)


def _per_month(counts: Counter) -> str:
    """Questions per month on a time axis: months without questions are gaps, not left out,
    and matplotlib picks as many date ticks as fit."""
    plt = _plt()
    import matplotlib.dates as mdates
    from matplotlib.ticker import MaxNLocator

    months = sorted(counts)
    fig, ax = plt.subplots(figsize=(10, 3.2))
    ax.bar(months, [counts[m] for m in months], width=27, align="edge", color=COLOR)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=9)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlim(months[0] - dt.timedelta(days=20), months[-1] + dt.timedelta(days=50))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("questions")
    _tidy(ax)
    return _svg(fig)


CURRENCY_NAMES = {"EUR": "euro (EUR)", "BEF": "Belgian francs (BEF)"}


def _magnitude(k: int) -> str:
    """10**k in words an analyst reads at a glance: 1, 100, 10 k, 1 mln, 10 mld."""
    for exp, word in ((9, " mld"), (6, " mln"), (3, " k")):
        if k >= exp:
            return f"{10 ** (k - exp)}{word}"
    return f"{10**k:g}"


def money_magnitudes(amounts: list[dict]) -> dict[str, Counter]:
    """Per currency, how many money amounts have each order of magnitude (floor of log10,
    exactly: Decimal.adjusted()).

    A per-unit price ("14 euro/ton", `unit` set) is not an amount of money and is left out;
    so are zero amounts, which have no magnitude.
    """
    out: dict[str, Counter] = {}
    for a in amounts:
        if a["kind"] == "money" and a["unit"] is None and a["value"] and a["value"] > 0:
            out.setdefault(a["currency"], Counter())[a["value"].adjusted()] += 1
    return out


def _money(by_currency: dict[str, Counter]) -> str:
    """Money amounts per order of magnitude, one panel per currency, the same bins side by side."""
    plt = _plt()
    from matplotlib.ticker import MaxNLocator

    lo = min(min(c) for c in by_currency.values())
    hi = max(max(c) for c in by_currency.values())
    bins = list(range(lo, hi + 1))
    labels = [f"{_magnitude(k)} – {_magnitude(k + 1)}" for k in bins]
    fig, axes = plt.subplots(1, len(by_currency), sharey=True, squeeze=False, figsize=(10, max(2.0, 0.3 * len(bins) + 0.8)))
    for ax, (currency, mags) in zip(axes[0], sorted(by_currency.items()), strict=True):
        ax.barh(labels, [mags.get(k, 0) for k in bins], color=COLOR)
        ax.set_title(CURRENCY_NAMES.get(currency, currency))
        ax.set_xlabel("amounts")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        _tidy(ax)
    return _svg(fig)


def _section(title: str, body: str, note: str = "") -> str:
    note_html = f'<p class="note">{html.escape(note)}</p>' if note else ""
    return f"<section><h2>{html.escape(title)}</h2>{note_html}{body}</section>"


def _empty(msg: str) -> str:
    return f'<p class="note">{html.escape(msg)}</p>'


def build_report(out_dir: Path) -> str:
    docs = _read(out_dir, "documents")
    errors = _read(out_dir, "errors")
    articles = _read(out_dir, "article_refs")
    amounts = _read(out_dir, "amounts")
    answered = sum(1 for d in docs if d["answered"])
    parts = [f"<h1>Written questions: what the tables hold</h1><p class=\"lead\">schv {html.escape(__version__)}, "
             f"{len(docs)} documents, generated from the tables in <code>{html.escape(str(out_dir))}</code>.</p>"]
    parts.append(
        '<div class="cards">'
        f"<div class=\"card\"><b>{len(docs)}</b>questions</div>"
        f"<div class=\"card\"><b>{(answered / len(docs) if docs else 0):.0%}</b>answered</div>"
        f"<div class=\"card\"><b>{len({d['minister'] for d in docs if d['minister']})}</b>ministers</div>"
        f"<div class=\"card\"><b>{len(amounts)}</b>amounts</div>"
        f"<div class=\"card\"><b>{len(errors)}</b>files failed</div></div>"
    )

    months = Counter(d["question_date"].replace(day=1) for d in docs if d["question_date"])
    if months:
        parts.append(_section("Questions per month", f"<figure>{_per_month(months)}</figure>"))
    else:
        parts.append(_section("Questions per month", _empty("No question dates yet.")))

    ministers = Counter(d["minister"] for d in docs if d["minister"]).most_common(15)
    body = f"<figure>{_bar([m for m, _ in ministers], [n for _, n in ministers], horizontal=True, xlabel='questions', height=max(2.0, 0.32 * len(ministers)))}</figure>" if ministers else _empty("No ministers found.")
    parts.append(_section("Questions per minister (top 15)", body))

    parts.append(_section(
        "Share answered",
        f"<figure>{_bar(['answered', 'not (yet) answered'], [answered, len(docs) - answered], horizontal=True, height=1.4)}</figure>" if docs else _empty("No documents."),
    ))

    # The PDFs print the question date but no answer date: say so rather than draw nothing.
    parts.append(_section("Answer delay", _empty(
        "The PDFs print the question date but not the date of the answer, so no delay can be computed from them. "
        "Join documents on (session, minister, number) with the parliament's open data (procedureverloop) for answer dates."
    )))

    instruments = Counter(a["instrument_name"] or a["instrument_type"] for a in articles if a["instrument_name"] or a["instrument_type"]).most_common(15)
    body = f"<figure>{_bar([i for i, _ in instruments], [n for _, n in instruments], horizontal=True, xlabel='article references', height=max(2.0, 0.32 * len(instruments)))}</figure>" if instruments else _empty("No article references.")
    parts.append(_section("Most cited instruments", body, "A named instrument (Energiebesluit, VCO) by its name, a generic one (het decreet) by its type."))

    by_currency = money_magnitudes(amounts)
    note = "Per currency: euros and Belgian francs (before 2002) apart. Per-unit prices (14 euro/ton) are left out."
    body = f"<figure>{_money(by_currency)}</figure>" if by_currency else _empty("No money amounts.")
    parts.append(_section("Money amounts by order of magnitude", body, note))

    if errors:
        rows = "".join(
            f"<tr><td>{html.escape(e['source_file'])}</td><td>{html.escape(e['stage'])}</td><td>{html.escape(e['error_type'])}</td><td>{html.escape(e['message'])}</td></tr>"
            for e in errors
        )
        body = f"<table><thead><tr><th>file</th><th>stage</th><th>type</th><th>message</th></tr></thead><tbody>{rows}</tbody></table>"
    else:
        body = _empty("No file failed.")
    parts.append(_section("Errors", body))
    stamp = max((d["question_date"] for d in docs if d["question_date"]), default=dt.date(1970, 1, 1))
    return (
        f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>schv report</title>"
        f"<meta name=\"generator\" content=\"schv {html.escape(__version__)}; newest question {stamp}\">"
        f"<style>{CSS}</style></head><body>{''.join(parts)}</body></html>\n"
    )


def write_report(out_dir: Path) -> Path:
    path = out_dir / "report.html"
    write_text(path, build_report(out_dir))
    return path
