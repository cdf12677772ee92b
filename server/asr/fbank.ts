/**
 * Kaldi-compatible log-mel filterbank features (the front end the zipformer was trained with):
 * 16 kHz mono in [-1, 1], 25 ms povey window, 10 ms hop, pre-emphasis 0.97, DC removal, 512-point FFT
 * power spectrum, 80 triangular mel bins from 20 Hz to Nyquist - 400 Hz, natural log, no dither,
 * `snip_edges = false` (frames centred on multiples of the hop, edges reflected). Pure.
 */
export interface FbankOptions {
  sampleRate: number;
  numBins: number;
  frameLength: number;
  frameShift: number;
  lowFreq: number;
  /** Negative: offset from Nyquist. */
  highFreq: number;
  preemph: number;
}

export const FBANK_DEFAULTS: FbankOptions = {
  sampleRate: 16_000,
  numBins: 80,
  frameLength: 400,
  frameShift: 160,
  lowFreq: 20,
  highFreq: -400,
  preemph: 0.97,
};

const FFT_SIZE = 512;
const mel = (f: number): number => 1127 * Math.log(1 + f / 700);

/** Mel filter weights, one row per bin over the FFT bins 0..FFT_SIZE/2-1 (as Kaldi, without Nyquist). */
function melBanks(o: FbankOptions): { start: number; weights: Float32Array }[] {
  const nyquist = o.sampleRate / 2;
  const high = o.highFreq <= 0 ? nyquist + o.highFreq : o.highFreq;
  const lowMel = mel(o.lowFreq);
  const delta = (mel(high) - lowMel) / (o.numBins + 1);
  const binHz = o.sampleRate / FFT_SIZE;
  const banks: { start: number; weights: Float32Array }[] = [];
  for (let b = 0; b < o.numBins; b++) {
    const left = lowMel + b * delta;
    const center = left + delta;
    const right = center + delta;
    const w = new Float32Array(FFT_SIZE / 2);
    let start = -1;
    for (let i = 0; i < FFT_SIZE / 2; i++) {
      const m = mel(i * binHz);
      if (m > left && m < right) {
        w[i] = m <= center ? (m - left) / (center - left) : (right - m) / (right - center);
        if (start < 0) start = i;
      }
    }
    banks.push({ start: Math.max(0, start), weights: w });
  }
  return banks;
}

/** In-place iterative radix-2 FFT of (re, im), length a power of two. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j] ?? 0, re[i] ?? 0];
      [im[i], im[j]] = [im[j] ?? 0, im[i] ?? 0];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const br = re[b] ?? 0;
        const bi = im[b] ?? 0;
        const tr = br * cr - bi * ci;
        const ti = br * ci + bi * cr;
        re[b] = (re[a] ?? 0) - tr;
        im[b] = (im[a] ?? 0) - ti;
        re[a] = (re[a] ?? 0) + tr;
        im[a] = (im[a] ?? 0) + ti;
        const ncr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = ncr;
      }
    }
  }
}

/** Features of `samples` (16 kHz, [-1, 1]): `frames x numBins`, row-major. */
export function fbank(
  samples: Float32Array,
  opts: FbankOptions = FBANK_DEFAULTS,
): { frames: number; data: Float32Array } {
  const { frameLength: L, frameShift: S, numBins } = opts;
  const n = samples.length;
  const frames = Math.floor((n + S / 2) / S);
  const banks = melBanks(opts);
  const win = Float64Array.from({ length: L }, (_, i) =>
    Math.pow(0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (L - 1)), 0.85),
  );
  const data = new Float32Array(frames * numBins);
  const re = new Float64Array(FFT_SIZE);
  const im = new Float64Array(FFT_SIZE);
  const power = new Float64Array(FFT_SIZE / 2);
  const at = (i: number): number => {
    // Kaldi's reflection at the edges (snip_edges = false).
    let j = i;
    while (j < 0 || j >= n) j = j < 0 ? -j - 1 : 2 * n - 1 - j;
    return samples[j] ?? 0;
  };
  for (let f = 0; f < frames; f++) {
    const first = f * S + S / 2 - L / 2;
    let mean = 0;
    for (let i = 0; i < L; i++) {
      re[i] = at(first + i);
      mean += re[i] ?? 0;
    }
    mean /= L;
    for (let i = 0; i < L; i++) re[i] = (re[i] ?? 0) - mean;
    for (let i = L - 1; i > 0; i--) re[i] = (re[i] ?? 0) - opts.preemph * (re[i - 1] ?? 0);
    re[0] = (re[0] ?? 0) * (1 - opts.preemph);
    for (let i = 0; i < L; i++) re[i] = (re[i] ?? 0) * (win[i] ?? 0);
    re.fill(0, L);
    im.fill(0);
    fft(re, im);
    for (let i = 0; i < FFT_SIZE / 2; i++) power[i] = (re[i] ?? 0) ** 2 + (im[i] ?? 0) ** 2;
    for (let b = 0; b < numBins; b++) {
      const bank = banks[b];
      if (!bank) continue;
      let e = 0;
      for (let i = bank.start; i < FFT_SIZE / 2; i++) {
        const w = bank.weights[i] ?? 0;
        if (w === 0 && i > bank.start) break;
        e += w * (power[i] ?? 0);
      }
      data[f * numBins + b] = Math.log(Math.max(e, 1.1920929e-7));
    }
  }
  return { frames, data };
}
