/**
 * Transducer search over encoder frames (pure: the network is injected as {@link TransducerNet}, so the
 * same code runs on onnxruntime-web in the worker, onnxruntime-node on the server, and fakes in tests).
 *
 * - {@link greedySearch}: the best token per frame, at most one per frame (what the server did).
 * - {@link beamSearch}: "modified beam search" (k2/icefall: at most one token per frame, hypotheses with
 *   the same tokens merged by adding their probabilities), optionally biased toward phrases by a
 *   {@link ContextGraph}.
 */
import type { ContextGraph, ContextState } from './context-graph.ts';

/** The decoder and joiner of a transducer. */
export interface TransducerNet {
  /** Tokens of decoder context. */
  readonly contextSize: number;
  readonly blank: number;
  readonly vocabSize: number;
  /** Width of one encoder frame and of one decoder output. */
  readonly dim: number;
  /** Decoder outputs of `contexts` (each `contextSize` ids, -1 = padding): `N x dim`. */
  decode(contexts: readonly (readonly number[])[]): Promise<Float32Array>;
  /** Joiner logits of one encoder frame against `n` decoder outputs (`n x dim`): `n x vocabSize`. */
  join(frame: Float32Array, decoderOut: Float32Array, n: number): Promise<Float32Array>;
}

/** A search that consumes encoder frames one at a time and gives the tokens at the end. */
export interface Search {
  /** One encoder frame (`dim` values; the search copies what it keeps). */
  push(frame: Float32Array): Promise<void>;
  /** The best token sequence so far (after the last frame: the result). */
  result(): SearchResult;
}

export interface SearchResult {
  tokens: number[];
  /** Log-probability of the tokens (acoustic, without phrase bonuses); for greedy, the sum of the picks. */
  logProb: number;
  /** Frames searched. */
  frames: number;
  /** Index of the phrase the context graph saw completed last, or -1. */
  phrase: number;
}

function initialContext(net: TransducerNet): number[] {
  const c = new Array<number>(net.contextSize).fill(-1);
  c[c.length - 1] = net.blank;
  return c;
}

function contextOf(net: TransducerNet, tokens: readonly number[]): number[] {
  const base = initialContext(net);
  return [...base, ...tokens].slice(-net.contextSize);
}

/** Log-softmax of row `r` of `logits` (width `v`) into `out`. */
function logSoftmax(logits: Float32Array, r: number, v: number, out: Float64Array): void {
  let max = -Infinity;
  for (let i = 0; i < v; i++) max = Math.max(max, logits[r * v + i] ?? -Infinity);
  let sum = 0;
  for (let i = 0; i < v; i++) sum += Math.exp((logits[r * v + i] ?? -Infinity) - max);
  const lse = max + Math.log(sum);
  for (let i = 0; i < v; i++) out[i] = (logits[r * v + i] ?? -Infinity) - lse;
}

/** Greedy search: per frame, the most likely token; blank moves on, a token is kept and moves on. */
export function greedySearch(net: TransducerNet): Search {
  const tokens: number[] = [];
  let logProb = 0;
  let frames = 0;
  let dec: Float32Array | null = null;
  const lp = new Float64Array(net.vocabSize);
  return {
    async push(frame) {
      frames++;
      dec ??= await net.decode([initialContext(net)]);
      const logits = await net.join(frame, dec, 1);
      let best = 0;
      for (let i = 1; i < net.vocabSize; i++) if ((logits[i] ?? -Infinity) > (logits[best] ?? -Infinity)) best = i;
      logSoftmax(logits, 0, net.vocabSize, lp);
      logProb += lp[best] ?? 0;
      if (best !== net.blank) {
        tokens.push(best);
        dec = await net.decode([contextOf(net, tokens)]);
      }
    },
    result() {
      return { tokens: [...tokens], logProb, frames, phrase: -1 };
    },
  };
}

export interface BeamOptions {
  /** Hypotheses kept per frame. Default 4 (sherpa-onnx's default for modified beam search). */
  beam?: number;
  /** Phrase bias; null for none. Default null. */
  context?: ContextGraph | null;
}

interface Hyp {
  tokens: number[];
  key: string;
  /** Acoustic log-probability. */
  logProb: number;
  /** Accumulated phrase bonus. */
  bonus: number;
  state: ContextState | null;
  phrase: number;
}

const logAdd = (a: number, b: number): number => {
  const m = Math.max(a, b);
  return m === -Infinity ? m : m + Math.log(Math.exp(a - m) + Math.exp(b - m));
};

/** Modified beam search (at most one token per frame), optionally with a phrase context graph. */
export function beamSearch(net: TransducerNet, options: BeamOptions = {}): Search {
  const beam = Math.max(1, options.beam ?? 4);
  const graph = options.context ?? null;
  const decCache = new Map<string, Float32Array>();
  const dim = net.dim;
  const v = net.vocabSize;
  let frames = 0;
  let hyps: Hyp[] = [{ tokens: [], key: '', logProb: 0, bonus: 0, state: graph?.root ?? null, phrase: -1 }];
  const lp = new Float64Array(v);
  const total = (h: Hyp): number => h.logProb + h.bonus;

  async function decoderRows(list: Hyp[]): Promise<Float32Array> {
    const keys = list.map((h) => contextOf(net, h.tokens));
    const missing = keys.filter((k) => !decCache.has(k.join(',')));
    const unique = [...new Map(missing.map((k) => [k.join(','), k])).values()];
    if (unique.length > 0) {
      const out = await net.decode(unique);
      unique.forEach((k, i) => decCache.set(k.join(','), out.slice(i * dim, (i + 1) * dim)));
    }
    const rows = new Float32Array(list.length * dim);
    keys.forEach((k, i) => {
      const row = decCache.get(k.join(','));
      if (row) rows.set(row, i * dim);
    });
    return rows;
  }

  return {
    async push(frame) {
      frames++;
      const dec = await decoderRows(hyps);
      const logits = await net.join(frame, dec, hyps.length);
      const candidates: { hyp: Hyp; token: number; score: number }[] = [];
      hyps.forEach((h, r) => {
        logSoftmax(logits, r, v, lp);
        // The best `beam` tokens of this hypothesis (blank included) are enough for the global top `beam`.
        const top: number[] = [];
        for (let t = 0; t < v; t++) {
          if (top.length < beam) {
            top.push(t);
            top.sort((a, b) => (lp[b] ?? 0) - (lp[a] ?? 0));
          } else if ((lp[t] ?? -Infinity) > (lp[top[beam - 1] ?? 0] ?? 0)) {
            top[beam - 1] = t;
            top.sort((a, b) => (lp[b] ?? 0) - (lp[a] ?? 0));
          }
        }
        for (const t of top) candidates.push({ hyp: h, token: t, score: h.logProb + (lp[t] ?? -Infinity) });
      });
      const next = new Map<string, Hyp>();
      for (const c of candidates) {
        const h = c.hyp;
        let n: Hyp;
        if (c.token === net.blank) {
          n = { ...h, logProb: c.score };
        } else {
          const step = graph && h.state ? graph.step(h.state, c.token) : null;
          const tokens = [...h.tokens, c.token];
          n = {
            tokens,
            key: h.key === '' ? String(c.token) : `${h.key},${c.token}`,
            logProb: c.score,
            bonus: h.bonus + (step?.score ?? 0),
            state: step?.state ?? null,
            phrase: step && step.matched >= 0 ? step.matched : h.phrase,
          };
        }
        const same = next.get(n.key);
        if (same) same.logProb = logAdd(same.logProb, n.logProb);
        else next.set(n.key, n);
      }
      hyps = [...next.values()].sort((a, b) => total(b) - total(a)).slice(0, beam);
    },
    result() {
      const fin = (h: Hyp): number => total(h) + (graph && h.state ? graph.finalize(h.state) : 0);
      const best = hyps.reduce((a, b) => (fin(b) > fin(a) ? b : a));
      return { tokens: [...best.tokens], logProb: best.logProb, frames, phrase: best.phrase };
    },
  };
}
