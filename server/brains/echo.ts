import type { Brain, UserTurn } from './brain.ts';

/** Chunk size of the echo reply: 20 ms, one Opus frame. */
const CHUNK_MS = 20;
/** Longest reply, so a runaway turn cannot hold the output for minutes. */
const MAX_REPLY_MS = 15_000;

/**
 * The `echo` brain: deterministic and instant. It plays the user's committed turn straight back
 * (the literal echo of what it heard), so tests can check that what comes out is what went in.
 * A short rising chirp leads the reply, so the reply's first audible sample is not quiet speech onset.
 */
export class EchoBrain implements Brain {
  readonly name = 'echo';
  readonly sampleRate: number;

  constructor(sampleRate = 48_000) {
    this.sampleRate = sampleRate;
  }

  async *reply(turn: UserTurn, signal: AbortSignal): AsyncIterable<Int16Array> {
    const pcm = this.#compose(turn);
    const chunk = (this.sampleRate * CHUNK_MS) / 1000;
    for (let at = 0; at < pcm.length && !signal.aborted; at += chunk) {
      yield pcm.subarray(at, Math.min(at + chunk, pcm.length));
    }
    await Promise.resolve();
  }

  #compose(turn: UserTurn): Int16Array {
    const rate = this.sampleRate;
    const chirp = chirpPcm(rate, 0.12);
    const voice = turn.sampleRate === rate ? turn.pcm : resampleLinear(turn.pcm, turn.sampleRate, rate);
    const total = Math.min(chirp.length + voice.length, (rate * MAX_REPLY_MS) / 1000);
    const out = new Int16Array(total);
    out.set(chirp.subarray(0, total));
    if (total > chirp.length) out.set(voice.subarray(0, total - chirp.length), chirp.length);
    return out;
  }
}

/** A 120 ms rising chirp (600 -> 1200 Hz) at -12 dBFS with 5 ms fades. */
function chirpPcm(rate: number, seconds: number): Int16Array {
  const n = Math.round(rate * seconds);
  const fade = Math.round(rate * 0.005);
  const out = new Int16Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const f = 600 + (600 * i) / n;
    phase += (2 * Math.PI * f) / rate;
    const env = Math.min(1, i / fade, (n - 1 - i) / fade);
    out[i] = Math.round(Math.sin(phase) * env * 0.25 * 32767);
  }
  return out;
}

/** Rate change for the echo only (input and output are both 48 kHz in practice). */
function resampleLinear(src: Int16Array, from: number, to: number): Int16Array {
  const n = Math.floor((src.length * to) / from);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const x = (i * from) / to;
    const i0 = Math.floor(x);
    const a = src[i0] ?? 0;
    const b = src[i0 + 1] ?? a;
    out[i] = Math.round(a + (b - a) * (x - i0));
  }
  return out;
}
