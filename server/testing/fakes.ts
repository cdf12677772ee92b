/** Test doubles for the transport-independent session: a recording audio sink, a scripted brain, a fake VAD model. */
import type { OutgoingServerEvent } from '../../src/protocol/index.ts';
import type { AudioSink } from '../audio-sink.ts';
import type { Brain, BrainTurn, ReplyPart } from '../brains/index.ts';
import type { SessionIO } from '../realtime-session.ts';
import type { SpeechModel } from '../vad/silero-model.ts';

/**
 * Records what is written; `write` takes `paceMs` of wall time per call (0: immediate). Like an
 * AudioSource, at most `queueCapMs` is queued (the rest counts as played); `clear()` drops the queue.
 */
export class FakeSink implements AudioSink {
  readonly sampleRate = 48_000;
  readonly written: Int16Array[] = [];
  clears = 0;
  /** ms written and not yet "played" (all of it, since nothing plays). */
  queuedMs = 0;
  readonly #paceMs: number;
  readonly #capMs: number;

  constructor(paceMs = 0, queueCapMs = 40) {
    this.#paceMs = paceMs;
    this.#capMs = queueCapMs;
  }

  async write(pcm: Int16Array): Promise<void> {
    this.written.push(pcm);
    this.queuedMs = Math.min(this.#capMs, this.queuedMs + (pcm.length * 1000) / this.sampleRate);
    if (this.#paceMs > 0) await new Promise((r) => setTimeout(r, this.#paceMs));
  }

  async drain(): Promise<void> {
    this.queuedMs = 0;
    await Promise.resolve();
  }

  clear(): number {
    this.clears++;
    const q = this.queuedMs;
    this.queuedMs = 0;
    return q;
  }
}

/** A brain that says `words` (one transcript delta and `chunksPerWord` 20 ms chunks per word). */
export class ScriptedBrain implements Brain {
  readonly name = 'scripted';
  readonly sampleRate = 48_000;
  readonly turns: BrainTurn[] = [];
  prepared = 0;
  readonly #words: string[];
  readonly #chunksPerWord: number;

  readonly #heard: string | null;

  constructor(words = ['hello', 'there'], chunksPerWord = 5, heard: string | null = null) {
    this.#words = words;
    this.#chunksPerWord = chunksPerWord;
    this.#heard = heard;
  }

  prepare(): void {
    this.prepared++;
  }

  async *reply(turn: BrainTurn, signal: AbortSignal): AsyncIterable<ReplyPart> {
    this.turns.push(turn);
    if (this.#heard !== null) yield { type: 'input_transcript', text: this.#heard };
    for (const [i, w] of this.#words.entries()) {
      yield { type: 'transcript', delta: i === 0 ? w : ` ${w}` };
      for (let c = 0; c < this.#chunksPerWord; c++) {
        if (signal.aborted) return;
        yield { type: 'audio', pcm: new Int16Array(960).fill(1000) };
        await Promise.resolve();
      }
    }
  }
}

/** Speech probability = 1 when the window's mean |x| exceeds 0.05, else 0. Counts runs. */
export class LoudnessModel implements SpeechModel {
  readonly sampleRate = 16_000;
  readonly windowSamples = 512;
  runs = 0;
  run(window: Float32Array): Promise<number> {
    this.runs++;
    let s = 0;
    for (const x of window) s += Math.abs(x);
    return Promise.resolve(s / window.length > 0.05 ? 1 : 0);
  }
  reset(): void {
    /* stateless */
  }
}

export interface Harness {
  io: SessionIO;
  sink: FakeSink;
  events: OutgoingServerEvent[];
  clock: { now: number };
  logs: string[];
  /** Events of one type, typed. */
  of<T extends OutgoingServerEvent['type']>(type: T): Extract<OutgoingServerEvent, { type: T }>[];
}

export function harness(opts: { paceMs?: number; vad?: SpeechModel } = {}): Harness {
  const sink = new FakeSink(opts.paceMs ?? 0);
  const events: OutgoingServerEvent[] = [];
  const clock = { now: 1000 };
  const logs: string[] = [];
  const vad = opts.vad;
  return {
    sink,
    events,
    clock,
    logs,
    io: {
      send: (e) => events.push(structuredClone(e)),
      sink,
      now: () => clock.now,
      log: (m) => logs.push(m),
      ...(vad ? { loadVadModel: () => Promise.resolve(vad) } : {}),
    },
    of: <T extends OutgoingServerEvent['type']>(type: T) =>
      events.filter((e): e is Extract<OutgoingServerEvent, { type: T }> => e.type === type),
  };
}

/** Encodes a client event (or any value) as the data channel carries it. */
export const wire = (v: unknown): Uint8Array => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

/** Waits until `cond()` holds (polling every few ms), or throws after `timeoutMs`. */
export async function until(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** `ms` of a 16-bit tone (loud) or silence at 48 kHz. */
export function audio(ms: number, loud: boolean): Int16Array {
  const n = (48_000 * ms) / 1000;
  return Int16Array.from({ length: n }, (_, i) => (loud ? Math.round(8000 * Math.sin(i / 5)) : 0));
}
