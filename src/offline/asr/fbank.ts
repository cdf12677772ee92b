/**
 * Kaldi-compatible log-mel filterbank features (the front end the zipformer was trained with):
 * 16 kHz mono in [-1, 1], 25 ms povey window, 10 ms hop, pre-emphasis 0.97, DC removal, 512-point FFT
 * power spectrum, 80 triangular mel bins from 20 Hz to Nyquist - 400 Hz, natural log, no dither,
 * `snip_edges = false` (frames centred on multiples of the hop, edges reflected).
 *
 * Pure and shared: the browser worker (`src/offline/`) and the Node server (`server/asr/`) compute the
 * same features with this code. Window, mel banks and FFT twiddles are computed once per option set.
 */
export interface FbankOptions {
  /** Input rate in Hz. Default 16000. */
  sampleRate: number;
  /** Mel bins. Default 80. */
  numBins: number;
  /** Window length in samples. Default 400 (25 ms). */
  frameLength: number;
  /** Hop in samples. Default 160 (10 ms). */
  frameShift: number;
  /** Lowest mel band edge in Hz. Default 20. */
  lowFreq: number;
  /** Highest mel band edge in Hz; negative: offset from Nyquist. Default -400. */
  highFreq: number;
  /** Pre-emphasis coefficient. Default 0.97. */
  preemph: number;
}

export const FBANK_DEFAULTS: Readonly<FbankOptions> = Object.freeze({
  sampleRate: 16_000,
  numBins: 80,
  frameLength: 400,
  frameShift: 160,
  lowFreq: 20,
  highFreq: -400,
  preemph: 0.97,
});

/** Features: `frames x numBins`, row-major. */
export interface Features {
  frames: number;
  data: Float32Array;
}

const FFT_SIZE = 512;
const HALF = FFT_SIZE / 2;
/** Kaldi's floor for the mel energies before the log (FLT_EPSILON). */
const ENERGY_FLOOR = 1.1920929e-7;
const mel = (f: number): number => 1127 * Math.log(1 + f / 700);

interface Bank {
  start: number;
  end: number;
  weights: Float64Array;
}

interface Tables {
  window: Float64Array;
  banks: Bank[];
  cos: Float64Array;
  sin: Float64Array;
  bitrev: Uint16Array;
}

/** Mel filter weights over the FFT bins 0..FFT_SIZE/2-1 (as Kaldi, without Nyquist), with their span. */
function melBanks(o: FbankOptions): Bank[] {
  const nyquist = o.sampleRate / 2;
  const high = o.highFreq <= 0 ? nyquist + o.highFreq : o.highFreq;
  const lowMel = mel(o.lowFreq);
  const delta = (mel(high) - lowMel) / (o.numBins + 1);
  const binHz = o.sampleRate / FFT_SIZE;
  const banks: Bank[] = [];
  for (let b = 0; b < o.numBins; b++) {
    const left = lowMel + b * delta;
    const center = left + delta;
    const right = center + delta;
    const w = new Float64Array(HALF);
    let start = -1;
    let end = 0;
    for (let i = 0; i < HALF; i++) {
      const m = mel(i * binHz);
      if (m > left && m < right) {
        w[i] = m <= center ? (m - left) / (center - left) : (right - m) / (right - center);
        if (start < 0) start = i;
        end = i + 1;
      }
    }
    banks.push({ start: Math.max(0, start), end, weights: w });
  }
  return banks;
}

const tableCache = new Map<string, Tables>();

function tables(o: FbankOptions): Tables {
  const key = JSON.stringify(o);
  const hit = tableCache.get(key);
  if (hit) return hit;
  const L = o.frameLength;
  const window = Float64Array.from({ length: L }, (_, i) =>
    Math.pow(0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (L - 1)), 0.85),
  );
  const cos = new Float64Array(HALF);
  const sin = new Float64Array(HALF);
  for (let k = 0; k < HALF; k++) {
    cos[k] = Math.cos((-2 * Math.PI * k) / FFT_SIZE);
    sin[k] = Math.sin((-2 * Math.PI * k) / FFT_SIZE);
  }
  const bitrev = new Uint16Array(FFT_SIZE);
  for (let i = 1, j = 0; i < FFT_SIZE; i++) {
    let bit = FFT_SIZE >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    bitrev[i] = j;
  }
  const t: Tables = { window, banks: melBanks(o), cos, sin, bitrev };
  tableCache.set(key, t);
  return t;
}

/** In-place iterative radix-2 FFT of (re, im), length FFT_SIZE, with precomputed twiddles. */
function fft(re: Float64Array, im: Float64Array, t: Tables): void {
  const { bitrev, cos, sin } = t;
  for (let i = 1; i < FFT_SIZE; i++) {
    const j = bitrev[i] ?? 0;
    if (i < j) {
      const r = re[i] ?? 0;
      re[i] = re[j] ?? 0;
      re[j] = r;
      const m = im[i] ?? 0;
      im[i] = im[j] ?? 0;
      im[j] = m;
    }
  }
  for (let len = 2; len <= FFT_SIZE; len <<= 1) {
    const half = len >> 1;
    const step = FFT_SIZE / len;
    for (let i = 0; i < FFT_SIZE; i += len) {
      for (let k = 0; k < half; k++) {
        const a = i + k;
        const b = a + half;
        const cr = cos[k * step] ?? 1;
        const ci = sin[k * step] ?? 0;
        const br = re[b] ?? 0;
        const bi = im[b] ?? 0;
        const tr = br * cr - bi * ci;
        const ti = br * ci + bi * cr;
        const ar = re[a] ?? 0;
        const ai = im[a] ?? 0;
        re[b] = ar - tr;
        im[b] = ai - ti;
        re[a] = ar + tr;
        im[a] = ai + ti;
      }
    }
  }
}

/** Number of frames `fbank` produces for `samples` input samples (snip_edges = false). */
export function frameCount(samples: number, opts: Readonly<FbankOptions> = FBANK_DEFAULTS): number {
  return Math.floor((samples + opts.frameShift / 2) / opts.frameShift);
}

/** Features of `samples` (16 kHz, [-1, 1]): `frames x numBins`, row-major. */
export function fbank(samples: Float32Array, opts: Readonly<FbankOptions> = FBANK_DEFAULTS): Features {
  const { frameLength: L, frameShift: S, numBins } = opts;
  const t = tables(opts);
  const n = samples.length;
  const frames = frameCount(n, opts);
  const data = new Float32Array(frames * numBins);
  const re = new Float64Array(FFT_SIZE);
  const im = new Float64Array(FFT_SIZE);
  const power = new Float64Array(HALF);
  const at = (i: number): number => {
    // Kaldi's reflection at the edges (snip_edges = false).
    let j = i;
    while (j < 0 || j >= n) j = j < 0 ? -j - 1 : 2 * n - 1 - j;
    return samples[j] ?? 0;
  };
  for (let f = 0; f < frames; f++) {
    const first = f * S + S / 2 - L / 2;
    let mean = 0;
    const inside = first >= 0 && first + L <= n;
    for (let i = 0; i < L; i++) {
      const v = inside ? (samples[first + i] ?? 0) : at(first + i);
      re[i] = v;
      mean += v;
    }
    mean /= L;
    for (let i = 0; i < L; i++) re[i] = (re[i] ?? 0) - mean;
    for (let i = L - 1; i > 0; i--) re[i] = (re[i] ?? 0) - opts.preemph * (re[i - 1] ?? 0);
    re[0] = (re[0] ?? 0) * (1 - opts.preemph);
    for (let i = 0; i < L; i++) re[i] = (re[i] ?? 0) * (t.window[i] ?? 0);
    re.fill(0, L);
    im.fill(0);
    fft(re, im, t);
    for (let i = 0; i < HALF; i++) power[i] = (re[i] ?? 0) ** 2 + (im[i] ?? 0) ** 2;
    for (let b = 0; b < numBins; b++) {
      const bank = t.banks[b];
      if (!bank) continue;
      let e = 0;
      for (let i = bank.start; i < bank.end; i++) e += (bank.weights[i] ?? 0) * (power[i] ?? 0);
      data[f * numBins + b] = Math.log(Math.max(e, ENERGY_FLOOR));
    }
  }
  return { frames, data };
}
