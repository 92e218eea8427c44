/** The dashboard's stylesheet (inline in the page; light and dark). */
export const PAGE_STYLE = `
:root { color-scheme: light dark; --fg: #1d2330; --muted: #667085; --line: #d9dde5;
  --bg: #f6f7f9; --card: #ffffff; --bad: #c0392b; --ok: #2e7d32; --accent: #3559c7; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e9ef; --muted: #98a2b3; --line: #343a46; --bg: #14171c; --card: #1c2027;
    --bad: #ef6b5f; --ok: #66bb6a; --accent: #8aa4ff; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: var(--fg); background: var(--bg); }
header { display: flex; align-items: baseline; gap: 1.5rem; padding: 1rem 1.5rem;
  border-bottom: 1px solid var(--line); background: var(--card); }
header h1 { font-size: 1.15rem; margin: 0; }
header .meta { color: var(--muted); }
main { padding: 1rem 1.5rem 3rem; display: grid; gap: 1rem; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 0.8rem 1rem 1rem; overflow-x: auto; }
section h2 { font-size: 0.95rem; margin: 0 0 0.6rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1rem; }
.chart svg { width: 100%; height: 190px; display: block; }
.chart .axis { fill: var(--muted); font-size: 10px; }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.legend { display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; margin-top: 0.4rem; color: var(--muted);
  font-size: 12px; }
.legend svg { width: 10px; height: 10px; vertical-align: -1px; margin-right: 4px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 0.28rem 0.6rem 0.28rem 0; border-bottom: 1px solid var(--line);
  white-space: nowrap; }
th { color: var(--muted); font-weight: 500; font-size: 12px; }
td.n, th.n { text-align: right; }
tr.total td { font-weight: 600; }
tr.fresh td { animation: fresh 2s ease-out; }
@keyframes fresh { from { background: color-mix(in srgb, var(--accent) 22%, transparent); } }
.bad { color: var(--bad); }
.ok { color: var(--ok); }
.muted { color: var(--muted); }
.empty { color: var(--muted); padding: 0.6rem 0; }
.warn { color: var(--bad); cursor: help; }
`;
