/**
 * The latency lab's instrumentation inside the demo page (`?lab=latency`; bench/latency.ts reads it):
 * everything on the session's AudioContext clock, independent of the session's own bookkeeping.
 *
 * - The mic as the audio graph hears it: a capture ring of its own (16 kHz, the whole run) with clock
 *   anchors, so the bench can find each true speech end of the clean fixture in it.
 * - The agent as the user hears it: the output tap's newest heard sample, sampled every few ms (barge-in:
 *   when the reply went silent), and each reply's first audible sample (`agent_audio_start`).
 * - Decisions: when each configuration committed a turn (its endpoint).
 */
import { CaptureNode } from '../../src/audio/capture-node.ts';
import type { RingReader } from '../../src/audio/ring-buffer.ts';
import type { VoiceSession } from '../../src/index.ts';

/** Seconds of mic audio kept: the whole lab fixture (~110 s) and some slack. */
const RING_SECONDS = 150;
const TAP_SAMPLE_MS = 4;
const ANCHOR_MS = 100;

export interface ProbeDump {
  sampleRate: number;
  /** Absolute ring positions of `samples[0]` and one past the end. */
  from: number;
  to: number;
  /** The mic audio, Float32 little-endian, base64. */
  samples: string;
  /** (ring position, AudioContext time) pairs every 100 ms. */
  anchors: { pos: number; time: number }[];
  /** (AudioContext time now, newest heard agent sample time) whenever the latter changed. */
  heard: { at: number; last: number }[];
  /** Every reply's first audible sample (AudioContext s). */
  replies: { responseId: string; time: number }[];
  /** When the configuration decided a turn was over (AudioContext s at the main thread). */
  endpoints: { kind: string; time: number }[];
  /** Per-turn stage metrics the session itself reported. */
  metrics: { turnId: string; stages: Record<string, number | undefined>; marks: Record<string, number | undefined> }[];
  errors: { code: string; message: string }[];
  /** The session's turn and barge-in events with their arrival time (diagnostics). */
  events: { type: string; time: number }[];
}

export class LatencyProbe {
  readonly #ctx: AudioContext;
  readonly #capture: CaptureNode;
  readonly #reader: RingReader;
  readonly #anchors: ProbeDump['anchors'] = [];
  readonly #heard: ProbeDump['heard'] = [];
  readonly #replies: ProbeDump['replies'] = [];
  readonly #endpoints: ProbeDump['endpoints'] = [];
  readonly #metrics: ProbeDump['metrics'] = [];
  readonly #errors: ProbeDump['errors'] = [];
  readonly #events: ProbeDump['events'] = [];
  readonly #timers: ReturnType<typeof setInterval>[] = [];

  private constructor(ctx: AudioContext, capture: CaptureNode) {
    this.#ctx = ctx;
    this.#capture = capture;
    this.#reader = capture.reader();
  }

  /** Starts recording the mic on `ctx` now (before the session connects, so the first turn is in). */
  static async start(ctx: AudioContext, mic: MediaStream): Promise<LatencyProbe> {
    const capture = await CaptureNode.create(ctx, { seconds: RING_SECONDS });
    ctx.createMediaStreamSource(mic).connect(capture.input);
    const probe = new LatencyProbe(ctx, capture);
    probe.#timers.push(
      setInterval(() => {
        const pos = probe.#reader.writePosition();
        const time = probe.#reader.timeOfPosition(pos);
        if (Number.isFinite(time)) probe.#anchors.push({ pos, time });
      }, ANCHOR_MS),
    );
    return probe;
  }

  /** Follows the session's output and decisions. */
  watch(session: VoiceSession, endpointing: string, eager: boolean): void {
    const now = (): number => this.#ctx.currentTime;
    let last: number | null = null;
    this.#timers.push(
      setInterval(() => {
        const t = session.agentAudio()?.lastHeardTime ?? null;
        if (t !== null && t !== last) {
          last = t;
          this.#heard.push({ at: now(), last: t });
        }
      }, TAP_SAMPLE_MS),
    );
    session.on('agent_audio_start', (a) => this.#replies.push({ responseId: a.responseId, time: a.time }));
    session.on('metrics', (m) =>
      this.#metrics.push({ turnId: m.turnId, stages: { ...m.stages }, marks: { ...m.marks } }),
    );
    session.on('error', (e) => this.#errors.push({ code: e.code, message: e.message }));
    for (const type of ['speech_start', 'turn_ending', 'turn_resumed', 'turn_end', 'misfire', 'interrupted'] as const) {
      session.on(type, () => this.#events.push({ type, time: now() }));
    }
    if (endpointing === 'client') {
      session.on(eager ? 'turn_ending' : 'turn_end', () => this.#endpoints.push({ kind: 'client', time: now() }));
    } else if (endpointing === 'server') {
      session.on('server_event', (e) => {
        if (e.type === 'input_audio_buffer.committed') this.#endpoints.push({ kind: 'server', time: now() });
      });
    }
  }

  /** A decision taken outside the session (the peer VAD's end of speech). */
  endpoint(kind: string): void {
    this.#endpoints.push({ kind, time: this.#ctx.currentTime });
  }

  /** Everything recorded, for the bench. */
  dump(): ProbeDump {
    const to = this.#reader.writePosition();
    const from = Math.max(this.#reader.oldestPosition(), 0);
    const buf = new Float32Array(to - from);
    const n = this.#reader.readRange(from, buf);
    const bytes = new Uint8Array(buf.buffer, 0, Math.max(0, n) * 4);
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return {
      sampleRate: this.#reader.sampleRate,
      from,
      to: from + Math.max(0, n),
      samples: btoa(bin),
      anchors: this.#anchors,
      heard: this.#heard,
      replies: this.#replies,
      endpoints: this.#endpoints,
      metrics: this.#metrics,
      errors: this.#errors,
      events: this.#events,
    };
  }

  stop(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#capture.close();
  }
}
