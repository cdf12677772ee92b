/**
 * A per-turn latency waterfall (SVG): one row per turn, one bar per stage, from the user's speech end
 * to the first agent sample played. Stage durations come straight from the SDK's `metrics` events.
 */
import type { StageName, TurnMetrics } from '../../src/index.ts';

const SVG = 'http://www.w3.org/2000/svg';

/** The stages that chain from speech end to first audio played, in order, with their colours. */
const CHAIN: readonly { stage: StageName; label: string; color: string }[] = [
  { stage: 'endpointing', label: 'endpoint', color: '#8aa4d6' },
  { stage: 'commit', label: 'commit', color: '#c7a3e0' },
  { stage: 'first_audio', label: 'server + network', color: '#f0b27a' },
  { stage: 'playout', label: 'playout', color: '#7fc8a0' },
];

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** Draws the last `rows` turns into `host`. */
export function renderWaterfall(host: HTMLElement, turns: readonly TurnMetrics[], rows = 8): void {
  const shown = turns.filter((t) => t.stages.voice_to_voice !== undefined).slice(-rows);
  if (shown.length === 0) {
    host.textContent = 'No finished turn yet: say something, then pause.';
    return;
  }
  const width = 720;
  const rowH = 26;
  const left = 70;
  const right = 70;
  const height = shown.length * rowH + 34;
  const maxMs = Math.max(400, ...shown.map((t) => t.stages.voice_to_voice ?? 0));
  const x = (ms: number): number => left + (ms / maxMs) * (width - left - right);
  const svg = el('svg', { viewBox: `0 0 ${String(width)} ${String(height)}`, role: 'img' });
  svg.append(el('title', {}));
  svg.querySelector('title')?.append('Latency waterfall per turn');
  shown.forEach((t, row) => {
    const y = 6 + row * rowH;
    const label = el('text', { x: 4, y: y + 15, 'font-size': 12, fill: '#444' });
    label.textContent = t.mode === 'local' ? `${t.turnId} (device)` : t.turnId;
    svg.append(label);
    let at = 0;
    for (const { stage, color, label: name } of CHAIN) {
      const ms = t.stages[stage];
      if (ms === undefined) continue;
      const rect = el('rect', { x: x(at), y, width: Math.max(1, x(at + ms) - x(at)), height: rowH - 8, fill: color });
      const tip = el('title', {});
      tip.textContent = `${name}: ${ms.toFixed(0)} ms`;
      rect.append(tip);
      svg.append(rect);
      at += ms;
    }
    const total = el('text', { x: x(at) + 6, y: y + 15, 'font-size': 12, fill: '#1b1d21', 'font-weight': 600 });
    total.textContent = `${(t.stages.voice_to_voice ?? at).toFixed(0)} ms`;
    svg.append(total);
    if (t.stages.barge_in_silence !== undefined) {
      const b = el('text', { x: width - 4, y: y + 15, 'font-size': 11, fill: '#a04040', 'text-anchor': 'end' });
      b.textContent = `✂ ${t.stages.barge_in_silence.toFixed(0)} ms`;
      svg.append(b);
    }
  });
  const ly = shown.length * rowH + 22;
  let lx = left;
  for (const { label, color } of CHAIN) {
    svg.append(el('rect', { x: lx, y: ly - 9, width: 10, height: 10, fill: color }));
    const t = el('text', { x: lx + 14, y: ly, 'font-size': 11, fill: '#555' });
    t.textContent = label;
    svg.append(t);
    lx += 24 + label.length * 6.5;
  }
  host.replaceChildren(svg);
}
