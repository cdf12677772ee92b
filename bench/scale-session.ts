/**
 * One simulated user for the capacity bench: an rtc-node client (server/testing/rtc-client.ts) that joins
 * its own room, waits for `session.created` (or a typed refusal), then talks like a person using the SDK
 * with manual turns: speaks a real recorded utterance into its Opus mic track, commits and asks for a
 * response right after the last frame (what the SDK does at its endpoint), listens to the whole reply,
 * pauses to think, and speaks again — until told to stop. Every turn is logged on the client's clock.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseWav } from '../src/offline/tts/wav.ts';
import { resample, trimSilence } from '../server/tts/pcm.ts';
import { RtcClient } from '../server/testing/rtc-client.ts';
import type { TestStack } from '../server/testing/stack.ts';
import { sleep, turn, within } from './server.ts';

/** Real read speech, 2-4 s each (LibriSpeech, LJSpeech, CMU Arctic clips in ../shared/audio). */
const SPEECH_FILES = [
  'ls_2830-3980-0043.wav',
  'ls_8455-210777-0068.wav',
  'ls_4507-16021-0012.wav',
  'goforward.wav',
  'lj001-0002.wav',
  'ls_61-70968-0002.wav',
  'arctic_a0024.wav',
];

/**
 * Utterances at 48 kHz, leading/trailing silence trimmed: the real recordings when `../shared/audio`
 * is next to the repository, else the synthesized `.fixtures/hello.wav` (what a fresh clone has).
 */
export function loadUtterances(root: string): { pcm: Int16Array[]; source: string } {
  const dir = join(root, '..', 'shared', 'audio');
  const files = SPEECH_FILES.map((f) => join(dir, f)).filter((f) => existsSync(f));
  const paths = files.length > 0 ? files : [join(root, '.fixtures', 'hello.wav')];
  const pcm = paths.map((p) => {
    const wav = parseWav(new Uint8Array(readFileSync(p)));
    return resample(trimSilence(wav.pcm, 300, Math.round(wav.sampleRate * 0.05)), wav.sampleRate, 48_000);
  });
  return {
    pcm,
    source: files.length > 0 ? `${files.length} real recordings (../shared/audio)` : '.fixtures/hello.wav',
  };
}

export type StartOutcome = 'ok' | 'refused' | 'timeout' | 'failed';

export interface StartResult {
  client: RtcClient | null;
  outcome: StartOutcome;
  /** Room join requested -> `session.created` (or the refusal) on the client, ms. */
  ms: number | null;
  reason?: string;
}

/** Error codes that mean "no agent will serve this room" (a fast, typed refusal). */
const REFUSAL_CODES = new Set(['agent_unavailable']);

/**
 * Joins a fresh room (LiveKit dispatches it to a worker) and waits for `session.created`, a typed
 * refusal (`error` with code `agent_unavailable`), or `timeoutMs`.
 */
export async function startSession(stack: TestStack, timeoutMs: number): Promise<StartResult> {
  const t0 = performance.now();
  let client: RtcClient;
  let gaveUp = false;
  const connecting = RtcClient.connect({
    url: stack.url,
    apiKey: stack.apiKey,
    apiSecret: stack.apiSecret,
    room: `scale-${randomBytes(4).toString('hex')}`,
  });
  // A connect that completes after we gave up on it must still be closed.
  connecting.then(
    (late) => {
      if (gaveUp) void within(late.close(), 5_000, 'close').catch(() => undefined);
    },
    () => undefined,
  );
  try {
    client = await within(connecting, timeoutMs, 'connect');
  } catch (e) {
    gaveUp = true;
    return { client: null, outcome: 'failed', ms: null, reason: (e as Error).message.slice(0, 80) };
  }
  const c = client;
  const refused = (): boolean => c.of('error').some((e) => REFUSAL_CODES.has(e.error.code ?? ''));
  try {
    await c.until(() => c.of('session.created').length > 0 || refused(), timeoutMs - (performance.now() - t0));
  } catch {
    await within(c.close(), 5_000, 'close').catch(() => undefined);
    return { client: null, outcome: 'timeout', ms: null };
  }
  const ms = Math.round(performance.now() - t0);
  if (c.of('session.created').length === 0) {
    await within(c.close(), 5_000, 'close').catch(() => undefined);
    return { client: null, outcome: 'refused', ms };
  }
  return { client: c, outcome: 'ok', ms };
}

export interface TurnRecord {
  /** When the commit was sent (performance.now()). */
  at: number;
  /** Commit sent -> first audible agent frame, ms (null when the turn failed). */
  v2vMs: number | null;
  /** Server-side commit -> first frame handed to WebRTC (`sotto:timings`). */
  serverMs: number | null;
  error?: string;
}

/** Think time between the end of the agent's reply and the user's next turn, ms (uniform). */
const THINK_MS: readonly [number, number] = [800, 2500];

/** A connected user that keeps talking until `stop()`. */
export class SimUser {
  readonly turns: TurnRecord[] = [];
  readonly #client: RtcClient;
  readonly #utterances: Int16Array[];
  #stopped = false;
  #loop: Promise<void> | null = null;
  #n = 0;

  constructor(client: RtcClient, utterances: Int16Array[]) {
    this.#client = client;
    this.#utterances = utterances;
  }

  /** Starts the conversation (first turn after a random think time, so users do not march in step). */
  talk(): void {
    this.#loop ??= this.#run();
  }

  async #run(): Promise<void> {
    let k = Math.floor(Math.random() * this.#utterances.length);
    while (!this.#isStopped()) {
      await sleep(THINK_MS[0] + Math.random() * (THINK_MS[1] - THINK_MS[0]));
      if (this.#isStopped()) break;
      const utterance = this.#utterances[k++ % this.#utterances.length] ?? new Int16Array(4800);
      const v2v: number[] = [];
      const server: number[] = [];
      const rec: TurnRecord = { at: 0, v2vMs: null, serverMs: null };
      try {
        // `turn` sends commit + response.create right after the last frame; we stamp the commit time
        // as the end of speaking (its v2v is measured from the same instant).
        const t = within(turn(this.#client, utterance, ++this.#n, v2v, server), 40_000, 'turn');
        rec.at = performance.now() + (utterance.length / 48_000) * 1000;
        await t;
      } catch (e) {
        rec.error = (e as Error).message.replace(/;.*$/s, '').slice(0, 60);
        // Resynchronise the response counter with what actually arrived.
        this.#n = this.#client.of('response.done').length;
      }
      if (this.#isStopped()) break;
      rec.v2vMs = v2v[0] ?? null;
      rec.serverMs = server[0] ?? null;
      this.turns.push(rec);
    }
  }

  /** Re-reads the flag (it changes while the loop awaits; a plain read looks constant to the checker). */
  #isStopped(): boolean {
    return this.#stopped;
  }

  /** Ends the conversation: the turn in flight is abandoned (not recorded) and the client leaves. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await within(this.#client.close(), 5_000, 'close').catch(() => undefined);
    await within(this.#loop ?? Promise.resolve(), 30_000, 'turn loop').catch(() => undefined);
  }
}
