/**
 * The latency lab's report: bench/results/latency.html (self-contained, inline SVG) and two PNGs rendered
 * from it in Chromium: the voice-to-voice distribution per configuration, and the per-stage waterfall.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../e2e/browser.ts';
import type { TurnResult } from './latency-analyse.ts';
import type { ReceiverStats } from './latency-webrtc.ts';

export interface ConfigSummary {
  config: string;
  what: string;
  condition: string;
  turns: number;
  utterances: number;
  v2v_ms_p50: number | null;
  v2v_ms_p95: number | null;
  endpoint_ms_p50: number | null;
  endpoint_ms_p95: number | null;
  bargein_silence_ms_p50: number | null;
  bargein_silence_ms_p95: number | null;
  bargeins: number;
  after_endpoint_ms_p50: number | null;
  session_stages_ms_p50: Record<string, number | null>;
  /** The session's own stages (ms) of every turn it reported, by turn id. */
  session_turns: Record<string, string | number | null>[];
  align_score_min: number | null;
  errors: { code: string; message: string }[];
  per_turn: TurnResult[];
  bargein_events?: { index: number; events: string[] }[];
  /** The agent's track as received (WebRTC getStats at the end of the run). */
  receiver?: ReceiverStats | null;
}

const COLORS = ['#2563eb', '#16a34a', '#dc2626', '#9333ea'];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A condition as one line: latency-net writes objects (what, probe, configs), older runs strings. */
function conditionText(v: unknown): string {
  if (typeof v === 'string') return v;
  const o = (v ?? {}) as { what?: unknown; v2v_ms_p50?: unknown; v2v_ms_p95?: unknown };
  const what = typeof o.what === 'string' ? o.what : JSON.stringify(v).slice(0, 160);
  return typeof o.v2v_ms_p50 === 'number'
    ? `${what}: Sotto v2v p50 ${String(o.v2v_ms_p50)} / p95 ${String(o.v2v_ms_p95)} ms (npm run bench -- latency-net)`
    : what;
}

/** Dots per turn, with p50 and p95 ticks, one row per configuration; a line at the 200 ms human gap. */
function distributionSvg(configs: ConfigSummary[]): string {
  const all = configs.flatMap((c) => c.per_turn.map((t) => t.v2vMs).filter((x): x is number => x !== null));
  const max = Math.max(1000, ...all) * 1.05;
  const W = 860;
  const left = 150;
  const rowH = 64;
  const H = 40 + rowH * configs.length + 30;
  const x = (ms: number): number => left + ((W - left - 20) * ms) / max;
  const parts: string[] = [];
  for (let ms = 0; ms <= max; ms += 200) {
    parts.push(
      `<line x1="${x(ms)}" y1="30" x2="${x(ms)}" y2="${H - 30}" stroke="#e5e7eb"/><text x="${x(ms)}" y="${H - 12}" font-size="11" text-anchor="middle" fill="#6b7280">${ms}</text>`,
    );
  }
  parts.push(
    `<line x1="${x(200)}" y1="26" x2="${x(200)}" y2="${H - 30}" stroke="#f59e0b" stroke-dasharray="4 3"/><text x="${x(200) + 4}" y="24" font-size="11" fill="#b45309">human turn gap ~200 ms</text>`,
  );
  configs.forEach((c, i) => {
    const y = 40 + rowH * i + rowH / 2;
    const color = COLORS[i % COLORS.length] ?? '#000';
    parts.push(`<text x="8" y="${y + 4}" font-size="13" font-weight="600">${esc(c.config)}</text>`);
    c.per_turn.forEach((t, k) => {
      if (t.v2vMs === null) return;
      const jitter = ((k * 7) % 11) - 5;
      parts.push(`<circle cx="${x(t.v2vMs)}" cy="${y + jitter * 1.6}" r="3.5" fill="${color}" fill-opacity="0.55"/>`);
    });
    // p50 labelled above the row, p95 below, so close values do not overlap.
    for (const [label, v, ty] of [
      ['p50', c.v2v_ms_p50, y - 19],
      ['p95', c.v2v_ms_p95, y + 27],
    ] as const) {
      if (v === null) continue;
      parts.push(
        `<line x1="${x(v)}" y1="${y - 16}" x2="${x(v)}" y2="${y + 16}" stroke="${color}" stroke-width="2.5"/><text x="${x(v)}" y="${ty}" font-size="10" text-anchor="middle" fill="${color}">${label} ${Math.round(v)}</text>`,
      );
    }
  });
  return `<svg id="v2v" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="system-ui, sans-serif"><text x="8" y="16" font-size="14" font-weight="700">Voice-to-voice per turn (ms): first audible reply sample − true end of speech</text>${parts.join('')}</svg>`;
}

/** Stacked bars of the median stages: waiting for the endpoint, then everything after it. */
function waterfallSvg(configs: ConfigSummary[]): string {
  const W = 860;
  const left = 150;
  const rowH = 44;
  const H = 50 + rowH * configs.length + 50;
  const max =
    Math.max(1000, ...configs.map((c) => (c.endpoint_ms_p50 ?? 0) + Math.max(0, c.after_endpoint_ms_p50 ?? 0))) * 1.1;
  const x = (ms: number): number => left + ((W - left - 20) * ms) / max;
  const parts: string[] = [];
  configs.forEach((c, i) => {
    const y = 40 + rowH * i;
    const ep = Math.max(0, c.endpoint_ms_p50 ?? 0);
    const after = Math.max(0, c.after_endpoint_ms_p50 ?? 0);
    parts.push(`<text x="8" y="${y + 20}" font-size="13" font-weight="600">${esc(c.config)}</text>`);
    parts.push(
      `<rect x="${x(0)}" y="${y + 6}" width="${x(ep) - x(0)}" height="22" fill="#f59e0b"/>`,
      `<rect x="${x(ep)}" y="${y + 6}" width="${x(ep + after) - x(ep)}" height="22" fill="#60a5fa"/>`,
      // Numbers after the bar (narrow bars cannot hold them).
      `<text x="${x(ep + after) + 6}" y="${y + 21}" font-size="11" fill="#111">${Math.round(ep)} + ${Math.round(after)} = ${Math.round(ep + after)} ms</text>`,
    );
  });
  const legendY = H - 30;
  parts.push(
    `<rect x="${left}" y="${legendY - 10}" width="12" height="12" fill="#f59e0b"/><text x="${left + 16}" y="${legendY}" font-size="11">true end of speech → endpoint decision at the page (silence wait + VAD)</text>`,
    `<rect x="${left}" y="${legendY + 6}" width="12" height="12" fill="#60a5fa"/><text x="${left + 16}" y="${legendY + 16}" font-size="11">decision → first audible reply sample (commit, server, network, jitter buffer, playout)</text>`,
  );
  return `<svg id="waterfall" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="system-ui, sans-serif"><text x="8" y="18" font-size="14" font-weight="700">Where the milliseconds go (medians, ms)</text>${parts.join('')}</svg>`;
}

function table(configs: ConfigSummary[]): string {
  const head = ['config', 'condition', 'turns', 'v2v p50', 'v2v p95', 'endpoint p50', 'after p50', 'barge-in p95'];
  const rows = configs.map(
    (c) =>
      `<tr><td>${esc(c.config)}<br><small>${esc(c.what)}</small></td><td>${esc(c.condition)}</td><td>${String(c.turns)}/${String(c.utterances)}</td><td>${String(c.v2v_ms_p50)}</td><td>${String(c.v2v_ms_p95)}</td><td>${String(c.endpoint_ms_p50)}</td><td>${String(c.after_endpoint_ms_p50)}</td><td>${String(c.bargein_silence_ms_p95)} (${String(c.bargeins)})</td></tr>`,
  );
  return `<table><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr>${rows.join('')}</table>`;
}

/** Writes latency.html and renders latency-v2v.png and latency-waterfall.png from it. */
export async function writeLatencyReport(dir: string, result: Record<string, unknown>): Promise<void> {
  const configs = result.configs as ConfigSummary[];
  const targets = result.targets as {
    target: string;
    value: number | null;
    met: boolean;
    off_by_ms: number | null;
    held_by: string | null;
  }[];
  const conditions = result.conditions as Record<string, unknown>;
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Sotto latency lab</title><style>
body{font-family:system-ui,sans-serif;margin:24px;color:#111;max-width:920px}table{border-collapse:collapse;margin:12px 0}
td,th{border:1px solid #ddd;padding:4px 8px;font-size:13px;text-align:right}td:first-child,th:first-child{text-align:left}
.ok{color:#15803d}.miss{color:#b91c1c}small{color:#6b7280}</style></head><body>
<h1>Sotto latency lab</h1><p>${esc(String((result.setup as Record<string, string>).fixture))}. Ground truth on the page's AudioContext clock.</p>
${distributionSvg(configs)}
${waterfallSvg(configs)}
<h2>Results</h2>${table(configs)}
<h2>Targets</h2><ul>${targets.map((t) => `<li class="${t.met ? 'ok' : 'miss'}">${esc(t.target)}: ${String(t.value)} — ${t.met ? 'met' : `missed${t.off_by_ms ? ` by ${String(t.off_by_ms)} ms` : ''}; held by ${esc(t.held_by ?? '?')}`}</li>`).join('')}</ul>
<h2>Network conditions</h2><ul>${Object.entries(conditions)
    .map(([k, v]) => `<li>${esc(k)}: ${esc(conditionText(v))}</li>`)
    .join('')}</ul>
</body></html>`;
  const file = join(dir, 'latency.html');
  writeFileSync(file, html);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 960, height: 1200 } });
    await page.setContent(html);
    await page.locator('#v2v').screenshot({ path: join(dir, 'latency-v2v.png') });
    await page.locator('#waterfall').screenshot({ path: join(dir, 'latency-waterfall.png') });
  } finally {
    await browser.close();
  }
}
