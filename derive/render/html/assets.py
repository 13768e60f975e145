"""The page's style and script, inline: nothing is loaded from elsewhere. Every style rule is
scoped to ``.derive-page``, so that the page's content can sit in a notebook's output cell
without restyling the notebook; the script sets up each such div once, however many a page has.
"""

from __future__ import annotations

STYLE = """
.derive-page { --ink: #1f2937; --muted: #6b7280; --rule: #e5e7eb; --band: #f9fafb;
  --uses: #fef3c7; --uses-edge: #f59e0b; --active: #dbeafe; --active-edge: #2563eb;
  color: var(--ink); background: #ffffff; max-width: 1180px; margin: 0 auto;
  padding: 24px 28px 48px; line-height: 1.5;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
.derive-page h1 { font-size: 1.6em; margin: 0 0 4px; font-weight: 650; }
.derive-page h2 { font-size: 1.15em; margin: 28px 0 8px; font-weight: 650;
  border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
.derive-page .meta, .derive-page .note, .derive-page figcaption { color: var(--muted); }
.derive-page .meta { margin: 0 0 12px; }
.derive-page .note { font-size: 0.85em; }
.derive-page .hint { color: var(--muted); font-size: 0.9em; margin: 4px 0 0; }
.derive-page figure.picture { margin: 12px 0 0; text-align: center; }
.derive-page figure.picture svg { max-width: 100%; height: auto; }
.derive-page figcaption { font-size: 0.85em; margin-top: 4px; }
.derive-page .scroll { overflow-x: auto; }
.derive-page table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
.derive-page th, .derive-page td { padding: 5px 12px; vertical-align: middle; text-align: left;
  border-bottom: 1px solid var(--rule); }
.derive-page thead th { font-weight: 600; font-size: 0.85em; color: var(--muted);
  text-transform: uppercase; letter-spacing: 0.04em; border-bottom: 2px solid var(--rule); }
.derive-page tbody tr:nth-child(even) { background: var(--band); }
.derive-page table.steps tbody tr { background: none; }
.derive-page table.steps tbody tr.band { background: var(--band); }
.derive-page tr.why td { border-top: none; color: var(--muted); padding-top: 0; }
.derive-page tr.q:has(+ tr.why) td { border-bottom: none; }
.derive-page .num { text-align: right; white-space: nowrap; }
.derive-page table.given th { color: var(--muted); font-weight: 500; white-space: nowrap; }
.derive-page .chip { display: inline-block; margin: 2px 10px 2px 0; padding: 1px 6px;
  border-radius: 4px; white-space: nowrap; }
.derive-page math { math-style: normal; font-size: 1.1em;
  font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math", "DejaVu Serif", math; }
.derive-page tr[data-uses] { cursor: pointer; }
.derive-page tr.q:focus { outline: none; }
.derive-page .uses { background: var(--uses) !important;
  box-shadow: inset 3px 0 0 var(--uses-edge); }
.derive-page .active { background: var(--active) !important;
  box-shadow: inset 3px 0 0 var(--active-edge); }
@media print { .derive-page .hint { display: none; } .derive-page { max-width: none; } }
"""

# Point at a row (or focus it with the keyboard): it and the quantities it uses are marked;
# a click keeps the marks until the next click.
SCRIPT = """
(function () {
  for (const root of document.querySelectorAll(".derive-page:not([data-ready])")) {
    root.setAttribute("data-ready", "");
    const marked = root.querySelectorAll("[data-quantity]");
    let pinned = null;
    const show = (row) => {
      const uses = new Set(row ? JSON.parse(row.getAttribute("data-uses")) : []);
      for (const el of marked) {
        el.classList.toggle("uses", uses.has(el.getAttribute("data-quantity")));
        el.classList.toggle("active", el === row);
      }
    };
    for (const row of root.querySelectorAll("[data-uses]")) {
      row.addEventListener("mouseenter", () => show(row));
      row.addEventListener("mouseleave", () => show(pinned));
      row.addEventListener("focus", () => show(row));
      row.addEventListener("blur", () => show(pinned));
      row.addEventListener("click", () => { pinned = pinned === row ? null : row; show(row); });
    }
  }
})();
"""
