/**
 * The session's capture: the ring of the mic's last seconds (sized for read-back of a whole turn when the
 * fallback is on) and the VAD worker on it, started for the session's options (a preloaded, warm VAD is
 * adopted). With client endpointing the VAD drives turn taking and barge-in, and the session is ready only
 * once it keeps up with real time ({@link Readiness}).
 */
import { resolveEndpointerOptions } from '../vad/endpointer-options.ts';
import { VadClient } from '../vad/vad-client.ts';
import type { BargeIn } from './barge-in.ts';
import { ClientEndpointing } from './client-endpointing.ts';
import type { VoiceSessionEvents } from './events.ts';
import type { ConnectOptions } from './options.ts';
import { adoptPreloaded, sessionVadOptions } from './preload.ts';
import { Readiness, type ReadinessTimeline } from './readiness.ts';
import type { TurnTaking } from './turn-taking.ts';

/** What the capture needs from its session. */
export interface SessionCaptureHost {
  readonly ctx: AudioContext;
  readonly turns: TurnTaking;
  readonly bargeIn: BargeIn;
  /** The agent is audible now (barge-in). */
  agentSpeaking(): boolean;
  emit<K extends keyof VoiceSessionEvents>(name: K, payload: VoiceSessionEvents[K]): void;
  /** The VAD went live (the conversation state may change). */
  changed(): void;
}

export class SessionCapture {
  readonly #h: SessionCaptureHost;
  #client: ClientEndpointing | null = null;
  /** Client endpointing: whether the VAD keeps up with real time yet (until then the session is not ready). */
  #live = true;
  #readiness: Readiness | null = null;

  constructor(host: SessionCaptureHost) {
    this.#h = host;
  }

  /** The capture ring and VAD once started, null before and after `close()`. */
  get client(): ClientEndpointing | null {
    return this.#client;
  }

  /** False while the VAD of client endpointing does not keep up with real time yet. */
  get live(): boolean {
    return this.#live;
  }

  /** The VAD's cold start (load, warm-up, live); null without client endpointing. */
  get readiness(): ReadinessTimeline | null {
    return this.#readiness?.timeline ?? null;
  }

  /** Starts capture on `mic` (and, with client endpointing, the VAD's turn events and readiness). */
  async start(
    mic: MediaStream,
    opts: ConnectOptions,
    endpointing: NonNullable<ConnectOptions['endpointing']>,
  ): Promise<void> {
    // The ring holds a whole turn of maxTurnMs (default 30 s) for the on-device engine's read-back, and
    // turns held while the link is down (up to 20 s of them, agent-continuity.ts) for the agent: 30 s+.
    const maxTurnMs = resolveEndpointerOptions(opts.vad?.endpointer).maxTurnMs;
    const seconds = Math.max(30, maxTurnMs / 1000 + 2);
    const options = sessionVadOptions({ ...opts, endpointing });
    // A VAD preloaded with these options is warm already (preload.ts): no backlog, `listening` at once.
    const preloaded = adoptPreloaded(options);
    const client = await ClientEndpointing.start(
      this.#h.ctx,
      mic,
      preloaded?.vad ?? new VadClient(options),
      (e) => {
        this.#h.emit('error', e);
      },
      seconds,
      preloaded?.errors,
    );
    this.#client = client;
    if (endpointing !== 'client') return;
    this.#live = false;
    this.#readiness = new Readiness(client, () => {
      this.#live = true;
      this.#h.changed();
    });
    client.drive(
      this.#h.turns,
      this.#h.bargeIn,
      () => this.#h.agentSpeaking(),
      (f) => {
        this.#h.emit('vad_frame', f);
      },
    );
    client.vad.on('turn_model', (v) => {
      this.#h.emit('turn_model', v);
    });
  }

  /** Stops the capture and the VAD; `client` is null from now on. */
  async close(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    await client?.close();
  }
}
