/**
 * The turn-taking curves as a chart: false cut-offs (% of hold pauses) against dead air (p50, ms), one
 * curve per swept detector, a dot per default. An inline SVG in bench/results/turns.html, rendered to
 * bench/results/turns.png in Chromium (as bench/latency-report.ts does for the latency lab).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../e2e/browser.ts';
import type { CurvePoint } from './turns-score.ts';

export interface ChartSeries {
  name: string;
  curve: readonly CurvePoint[];
  /** The detector at its default, when it has one. */
  at_default?: { false_cutoff_pct: number | null; dead_air_ms_p50: number | null } | undefined;
}

const COLORS = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2'];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One chart (id `chart-<id>`): x dead air p50 0..maxMs, y false cut-offs 0..100 %. */
export function curvesSvg(id: string, title: string, series: readonly ChartSeries[], maxMs = 3000): string {
  const W = 860;
  const H = 460;
  const L = 60;
  const R = 180;
  const T = 34;
  const B = 46;
  const x = (ms: number): number => L + (Math.min(ms, maxMs) / maxMs) * (W - L - R);
  const y = (pct: number): number => T + (1 - pct / 100) * (H - T - B);
  const grid: string[] = [];
  for (let ms = 0; ms <= maxMs; ms += 500) {
    grid.push(
      `<line x1="${x(ms)}" y1="${T}" x2="${x(ms)}" y2="${H - B}" stroke="#eee"/><text x="${x(ms)}" y="${H - B + 16}" font-size="11" text-anchor="middle">${ms}</text>`,
    );
  }
  for (let p = 0; p <= 100; p += 20) {
    grid.push(
      `<line x1="${L}" y1="${y(p)}" x2="${W - R}" y2="${y(p)}" stroke="#eee"/><text x="${L - 6}" y="${y(p) + 4}" font-size="11" text-anchor="end">${p}</text>`,
    );
  }
  // The budgets the operating points are read at.
  grid.push(`<line x1="${L}" y1="${y(5)}" x2="${W - R}" y2="${y(5)}" stroke="#999" stroke-dasharray="4 3"/>`);
  for (const ms of [300, 600])
    grid.push(`<line x1="${x(ms)}" y1="${T}" x2="${x(ms)}" y2="${H - B}" stroke="#999" stroke-dasharray="4 3"/>`);
  const lines = series.map((s, i) => {
    const c = COLORS[i % COLORS.length] ?? '#000';
    const pts = s.curve
      .filter((p) => p.false_cutoff_pct !== null && p.dead_air_ms_p50 !== null)
      .map((p) => [x(p.dead_air_ms_p50 ?? 0), y(p.false_cutoff_pct ?? 0)] as const)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const path = pts.map(([px, py], k) => `${k === 0 ? 'M' : 'L'}${px.toFixed(1)},${py.toFixed(1)}`).join('');
    const d = s.at_default;
    const dot =
      d?.false_cutoff_pct != null && d.dead_air_ms_p50 !== null
        ? `<circle cx="${x(d.dead_air_ms_p50)}" cy="${y(d.false_cutoff_pct)}" r="5" fill="${c}"/>`
        : '';
    const legend = `<rect x="${W - R + 14}" y="${T + i * 20}" width="12" height="3" fill="${c}"/><text x="${W - R + 32}" y="${T + i * 20 + 5}" font-size="12">${esc(s.name)}</text>`;
    return `<path d="${path}" fill="none" stroke="${c}" stroke-width="2"/>${dot}${legend}`;
  });
  return `<svg id="chart-${id}" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" style="background:#fff">
<text x="${L}" y="20" font-size="14" font-weight="600">${esc(title)}</text>
${grid.join('')}
<text x="${(L + W - R) / 2}" y="${H - 8}" font-size="12" text-anchor="middle">dead air p50 (true end of turn -> decision), ms</text>
<text x="14" y="${(T + H - B) / 2}" font-size="12" transform="rotate(-90 14 ${(T + H - B) / 2})" text-anchor="middle">false cut-offs, % of hold pauses</text>
${lines.join('\n')}
</svg>`;
}

/** Writes turns.html and renders one PNG per chart (`turns.png`, `turns-<id>.png` for the others). */
export async function writeTurnsChart(
  dir: string,
  charts: readonly { id: string; title: string; series: readonly ChartSeries[] }[],
): Promise<string[]> {
  const svgs = charts.map((c) => curvesSvg(c.id, c.title, c.series));
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Sotto turn-taking bench</title></head><body style="margin:0">${svgs.join('<br>')}</body></html>`;
  writeFileSync(join(dir, 'turns.html'), html);
  const files: string[] = [];
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 500 * charts.length } });
    await page.setContent(html);
    for (const [i, c] of charts.entries()) {
      const file = join(dir, i === 0 ? 'turns.png' : `turns-${c.id}.png`);
      await page.locator(`#chart-${c.id}`).screenshot({ path: file });
      files.push(file);
    }
  } finally {
    await browser.close();
  }
  return files;
}
