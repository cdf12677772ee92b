/**
 * The capacity curve as a PNG (bench/results/scale.png): v2v p50/p95 per concurrent-session level, with
 * the 1.5x-single-p95 line that defines the knee, and worker CPU per session below; the "before" run
 * (bench/results/scale-before.json, when present) drawn dashed beside it. Rendered from inline SVG in
 * Chromium, like the latency report.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../e2e/browser.ts';

interface Point {
  sessions: number;
  v2v_ms_p50: number | null;
  v2v_ms_p95: number | null;
  cpu_pct_per_session: number;
}

interface Series {
  name: string;
  levels: Point[];
  single: number | null;
  knee: number | null;
  dash: string;
}

const W = 860;
const LEFT = 70;
const RIGHT = 20;

function readBefore(dir: string): Series | null {
  const file = join(dir, 'scale-before.json');
  if (!existsSync(file)) return null;
  const r = (JSON.parse(readFileSync(file, 'utf8')) as { results?: Record<string, unknown> }).results;
  if (!r) return null;
  return {
    name: 'before',
    levels: r.levels as Point[],
    single: r.single_v2v_ms_p95 as number | null,
    knee: r.knee_sessions as number | null,
    dash: '6 4',
  };
}

function panel(series: Series[], xs: number[], y0: number, h: number, what: 'v2v' | 'cpu'): string {
  const x = (n: number): number => LEFT + ((W - LEFT - RIGHT) * xs.indexOf(n)) / Math.max(1, xs.length - 1);
  const values = series.flatMap((s) =>
    s.levels.flatMap((l) => (what === 'v2v' ? [l.v2v_ms_p50 ?? 0, l.v2v_ms_p95 ?? 0] : [l.cpu_pct_per_session])),
  );
  const max = Math.max(what === 'v2v' ? 300 : 20, ...values) * 1.08;
  const y = (v: number): number => y0 + h - (h * v) / max;
  const parts: string[] = [];
  const step = what === 'v2v' ? (max > 3000 ? 1000 : max > 1200 ? 500 : 100) : max > 60 ? 20 : 5;
  for (let v = 0; v <= max; v += step) {
    parts.push(
      `<line x1="${LEFT}" y1="${y(v)}" x2="${W - RIGHT}" y2="${y(v)}" stroke="#eee"/><text x="${LEFT - 6}" y="${y(v) + 4}" font-size="10" text-anchor="end" fill="#666">${v}</text>`,
    );
  }
  for (const n of xs) {
    parts.push(`<text x="${x(n)}" y="${y0 + h + 14}" font-size="11" text-anchor="middle">${n}</text>`);
  }
  const colors = { p50: '#2563eb', p95: '#dc2626', cpu: '#16a34a' };
  for (const s of series) {
    const line = (pick: (l: Point) => number | null, color: string, label: string): void => {
      // A level where no session ran has no latency and no per-session CPU: no point.
      const pts = s.levels.filter((l) => pick(l) !== null && l.v2v_ms_p50 !== null && xs.includes(l.sessions));
      if (pts.length === 0) return;
      const d = pts.map((l, i) => `${i === 0 ? 'M' : 'L'}${x(l.sessions)},${y(pick(l) ?? 0)}`).join(' ');
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-dasharray="${s.dash}"/>`);
      for (const l of pts) parts.push(`<circle cx="${x(l.sessions)}" cy="${y(pick(l) ?? 0)}" r="3" fill="${color}"/>`);
      const last = pts[pts.length - 1];
      if (last) {
        parts.push(
          `<text x="${x(last.sessions) - 5}" y="${y(pick(last) ?? 0) - 6}" font-size="10" text-anchor="end" fill="${color}">${s.name} ${label}</text>`,
        );
      }
    };
    if (what === 'v2v' && s.dash !== '' && s.levels.every((l) => l.v2v_ms_p50 === null)) {
      parts.push(
        `<text x="${LEFT + 4}" y="${y0 + 14}" font-size="11" fill="#6b7280">${s.name}: no session started (every start timed out)</text>`,
      );
    }
    if (what === 'v2v') {
      line((l) => l.v2v_ms_p50, colors.p50, 'p50');
      line((l) => l.v2v_ms_p95, colors.p95, 'p95');
      if (s.single !== null && s.dash === '') {
        const lim = 1.5 * s.single;
        parts.push(
          `<line x1="${LEFT}" y1="${y(lim)}" x2="${W - RIGHT}" y2="${y(lim)}" stroke="#f59e0b" stroke-dasharray="3 3"/><text x="${LEFT + 4}" y="${y(lim) - 4}" font-size="10" fill="#b45309">1.5 x single-session p95 (${Math.round(lim)} ms): knee ${String(s.knee)}</text>`,
        );
      }
    } else {
      line((l) => l.cpu_pct_per_session, colors.cpu, 'CPU/session');
    }
  }
  const title =
    what === 'v2v'
      ? 'Agent v2v (commit -> first audible reply frame at the client), ms'
      : 'Worker-tree CPU per session, % of one core';
  parts.push(`<text x="${LEFT}" y="${y0 - 8}" font-size="13" font-weight="700">${title}</text>`);
  return parts.join('');
}

/** Writes scale.html and renders scale.png from it. */
export async function writeScaleChart(dir: string, result: Record<string, unknown>): Promise<void> {
  const now: Series = {
    name: 'after',
    levels: result.levels as Point[],
    single: result.single_v2v_ms_p95 as number | null,
    knee: result.knee_sessions as number | null,
    dash: '',
  };
  const before = readBefore(dir);
  const series = before ? [before, now] : [{ ...now, name: '' }];
  const xs = [...new Set(series.flatMap((s) => s.levels.map((l) => l.sessions)))].sort((a, b) => a - b);
  const H = 560;
  const svg = `<svg id="scale" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="system-ui, sans-serif"><rect width="${W}" height="${H}" fill="#fff"/>${panel(series, xs, 40, 280, 'v2v')}${panel(series, xs, 380, 130, 'cpu')}<text x="${W / 2}" y="${H - 8}" font-size="11" text-anchor="middle">concurrent sessions on one worker (2 cores, echo brain)${before ? '; dashed: before' : ''}</text></svg>`;
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Sotto capacity</title></head><body style="margin:0">${svg}</body></html>`;
  writeFileSync(join(dir, 'scale.html'), html);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: W + 20, height: H + 20 } });
    await page.setContent(html);
    await page.locator('#scale').screenshot({ path: join(dir, 'scale.png') });
  } finally {
    await browser.close();
  }
}
