/**
 * A scrolling trace of the VAD's speech probability on a canvas, with the agent's speech shaded and each
 * pause marked with the end-of-turn model's probability (a tick and its value; green when it ended the turn).
 */

interface Point {
  time: number;
  p: number;
}

export class VadTrace {
  readonly #canvas: HTMLCanvasElement;
  readonly #points: Point[] = [];
  readonly #agent: { from: number; to: number | null }[] = [];
  readonly #marks: { time: number; p: number; complete: boolean }[] = [];
  readonly #windowS: number;

  constructor(canvas: HTMLCanvasElement, windowS = 8) {
    this.#canvas = canvas;
    this.#windowS = windowS;
  }

  push(time: number, probability: number): void {
    this.#points.push({ time, p: probability });
    while (this.#points.length > 0 && (this.#points[0]?.time ?? 0) < time - this.#windowS) this.#points.shift();
  }

  /** The end-of-turn model answered `p` about the audio up to `time`. */
  mark(time: number, p: number, complete: boolean): void {
    this.#marks.push({ time, p, complete });
    while (this.#marks.length > 0 && (this.#marks[0]?.time ?? 0) < time - this.#windowS) this.#marks.shift();
  }

  agentStart(time: number): void {
    this.#agent.push({ from: time, to: null });
  }

  agentEnd(time: number): void {
    const last = this.#agent.at(-1);
    if (last?.to === null) last.to = time;
  }

  draw(now: number): void {
    const c = this.#canvas;
    const g = c.getContext('2d');
    if (!g) return;
    const w = c.width;
    const h = c.height;
    const t0 = now - this.#windowS;
    const x = (t: number): number => ((t - t0) / this.#windowS) * w;
    g.clearRect(0, 0, w, h);
    g.fillStyle = 'rgba(47,125,91,0.15)';
    for (const a of this.#agent) {
      const to = a.to ?? now;
      if (to < t0) continue;
      g.fillRect(x(Math.max(a.from, t0)), 0, x(to) - x(Math.max(a.from, t0)), h);
    }
    g.strokeStyle = '#c5c9d3';
    g.setLineDash([4, 4]);
    g.beginPath();
    g.moveTo(0, h * 0.5);
    g.lineTo(w, h * 0.5);
    g.stroke();
    g.setLineDash([]);
    g.strokeStyle = '#3565c9';
    g.lineWidth = 2;
    g.beginPath();
    this.#points.forEach((pt, i) => {
      const px = x(pt.time);
      const py = h - 4 - pt.p * (h - 8);
      if (i === 0) g.moveTo(px, py);
      else g.lineTo(px, py);
    });
    g.stroke();
    g.font = '11px system-ui, sans-serif';
    for (const m of this.#marks) {
      if (m.time < t0) continue;
      const px = x(m.time);
      g.strokeStyle = g.fillStyle = m.complete ? '#2f7d5b' : '#b7791f';
      g.beginPath();
      g.moveTo(px, h);
      g.lineTo(px, h - 4 - m.p * (h - 8));
      g.stroke();
      g.fillText(`EOT ${m.p.toFixed(2)}`, px + 3, 12);
    }
  }
}
