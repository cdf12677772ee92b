/**
 * A user of the cluster test: an rtc-node Realtime client (server/testing/rtc-client.ts) connected
 * through the cluster's front, plus what the SDK does around it: join and wait for `session.created`,
 * notice the connection breaking (LiveKit's reconnecting/disconnected), rejoin the same room with a fresh
 * connection through the same URL, and take a manual turn.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RoomEvent } from '@livekit/rtc-node';
import { parseWav } from '../../src/offline/tts/wav.ts';
import { resample, trimSilence } from '../tts/pcm.ts';
import { RtcClient } from '../testing/rtc-client.ts';

export interface Where {
  url: string;
  apiKey: string;
  apiSecret: string;
}

/** Real read speech (../shared/audio) when it is next to the repository, else `.fixtures/hello.wav`; 48 kHz. */
export function loadSpeech(root: string): Int16Array {
  const real = join(root, '..', 'shared', 'audio', 'goforward.wav');
  const path = existsSync(real) ? real : join(root, '.fixtures', 'hello.wav');
  const wav = parseWav(new Uint8Array(readFileSync(path)));
  return resample(trimSilence(wav.pcm, 300, Math.round(wav.sampleRate * 0.05)), wav.sampleRate, 48_000);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** `p`, or a rejection after `ms`; a value that arrives late is handed to `late` (to close it). */
function within<T>(p: Promise<T>, ms: number, what: string, late?: (v: T) => void): Promise<T> {
  let timedOut = false;
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => {
      timedOut = true;
      reject(new Error(`${what}: no answer within ${String(ms)} ms`));
    }, ms);
    p.then(
      (v) => {
        clearTimeout(t);
        if (timedOut) late?.(v);
        else resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export class ClusterUser {
  readonly room: string;
  readonly #where: Where;
  #client: RtcClient | null = null;
  /** When this connection first reported trouble (reconnecting or disconnected), `performance.now()`. */
  brokenAt: number | null = null;
  /** How many times this user joined (1 + rejoins). */
  joins = 0;
  #answer: ReturnType<typeof setInterval> | undefined;

  constructor(where: Where, room: string) {
    this.#where = where;
    this.room = room;
  }

  get client(): RtcClient {
    if (!this.#client) throw new Error(`${this.room}: not connected`);
    return this.#client;
  }

  /**
   * Joins (or rejoins) the room with a fresh connection through the front, retrying a refused or hung
   * connect until `deadlineMs` from now, and waits for `session.created` from an agent. Until it comes,
   * sends a `sotto.ping` every second: an agent that resumes this session re-announces it on the user's
   * first event.
   */
  async join(deadlineMs: number): Promise<void> {
    const deadline = performance.now() + deadlineMs;
    await this.close();
    this.brokenAt = null;
    let lastError = '';
    while (performance.now() < deadline) {
      try {
        const c = await within(
          RtcClient.connect({ ...this.#where, room: this.room, identity: 'user' }),
          20_000,
          `connect to ${this.room}`,
          (late) => void late.close(),
        );
        this.#client = c;
        this.joins++;
        const broke = (): void => {
          this.brokenAt ??= performance.now();
        };
        c.room.on(RoomEvent.Reconnecting, broke);
        c.room.on(RoomEvent.Disconnected, broke);
        this.#answerAnnouncements(c);
        break;
      } catch (e) {
        lastError = (e as Error).message;
        await sleep(1_000);
      }
    }
    const c = this.#client;
    if (!c) throw new Error(`${this.room}: could not connect through the front (${lastError})`);
    const timer = setInterval(() => {
      void c.send({ type: 'sotto.ping', 'sotto:nonce': 0 }).catch(() => undefined);
    }, 1_000);
    try {
      await c.waitFor('session.created', 1, Math.max(1_000, deadline - performance.now()));
    } finally {
      clearInterval(timer);
    }
  }

  /**
   * Like the SDK, answers every `session.created` at once (a new agent after a re-dispatch announces a
   * new session): an agent that hears nothing from its user for a few seconds takes it for a stock
   * LiveKit client and turns server VAD on, which would end turns on its own beside the manual commits.
   */
  #answerAnnouncements(c: RtcClient): void {
    clearInterval(this.#answer);
    let answered = 0;
    this.#answer = setInterval(() => {
      const n = c.of('session.created').length;
      if (n <= answered) return;
      answered = n;
      void c.send({ type: 'sotto.ping', 'sotto:nonce': n }).catch(() => undefined);
    }, 100);
  }

  /** The id of the newest session an agent announced to this connection. */
  session(): string {
    return this.client.of('session.created').at(-1)?.session.id ?? '';
  }

  /**
   * One manual turn as the SDK takes it: speech into the mic, `commit` + `response.create` right after
   * the last frame; resolves once the reply completed and agent audio was heard after the commit.
   * Returns the audio the agent committed, ms.
   */
  async talk(speech: Int16Array, timeoutMs = 60_000): Promise<number> {
    const c = this.client;
    const committed = c.of('input_audio_buffer.committed').length;
    const done = c.of('response.done').length;
    await c.speak(speech);
    const sentAt = performance.now();
    await c.send({ type: 'input_audio_buffer.commit' });
    await c.send({ type: 'response.create' });
    await c.until(() => c.of('response.done').length > done, timeoutMs, `${this.room}: response.done`);
    const reply = c.of('response.done').at(-1);
    if (reply?.response.status !== 'completed') {
      throw new Error(`${this.room}: the reply ended ${reply?.response.status ?? '?'}`);
    }
    await c.until(() => c.audibleAt.some((t) => t > sentAt), 20_000, `${this.room}: agent audio`);
    return c.of('input_audio_buffer.committed')[committed]?.['sotto:audio_ms'] ?? 0;
  }

  async close(): Promise<void> {
    clearInterval(this.#answer);
    await this.#client?.close();
    this.#client = null;
  }
}
