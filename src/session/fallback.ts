/**
 * The session's on-device fallback (I/O shell around {@link FallbackPolicy}): keeps the on-device engine
 * ready, watches the remote link, switches who answers, keeps trying to reach the remote agent while
 * offline, and hands the offline turns to it when it is back.
 */
import { SottoError } from '../errors.ts';
import type { LocalTransport, LocalTransportOptions } from '../offline/local-transport.ts';
import type { OfflineTurn } from '../offline/types.ts';
import type { ClientEvent } from '../protocol/index.ts';
import type { Transport } from '../transport/types.ts';
import {
  FallbackPolicy,
  type AnswerMode,
  type FallbackMode,
  type LinkObservation,
  type ModeDecision,
} from './fallback-policy.ts';
import { LocalOutput } from './local-output.ts';
import type { OfflineOptions } from './options.ts';

/** How often the link is looked at besides its own events, in ms. */
const TICK_MS = 250;
/** After the session's own start-up (the VAD), the engine preloads this much later, in ms. */
const PRELOAD_DELAY_MS = 1000;
/** Delays between attempts to reach the remote agent again after its transport gave up, in ms. */
const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 10_000] as const;

/** What the fallback needs from its session. */
export interface FallbackHost {
  readonly ctx: AudioContext;
  micTrack(): MediaStreamTrack;
  /** The current remote transport, or null (never connected, or `force`). */
  remote(): Transport | null;
  /** A fresh remote transport, already wired to the session, or null when the app passed its own. */
  newRemote(): Transport | null;
  /** The remote agent said `session.created` on the current connection. */
  remoteReady(): boolean;
  /** Settles when the session's own start-up work (the VAD worker) is done. */
  settled(): Promise<void>;
  /** A user turn is open, or a reply is on its way or playing. */
  busy(): boolean;
  /** Wires the local transport's events to the session. */
  attachLocal(local: LocalTransport): void;
  /** Who answers changed; the session re-routes turns, replies and output. */
  switched(mode: AnswerMode, reason: string): void;
  /** Back to remote: these offline exchanges go to the remote agent (with what else it does not know). */
  handOver(turns: readonly OfflineTurn[]): Promise<void>;
  error(e: SottoError): void;
  /** The session is closing or closed. */
  closed(): boolean;
}

export class Fallback {
  readonly #h: FallbackHost;
  readonly #o: OfflineOptions;
  readonly #policy: FallbackPolicy;
  #active: AnswerMode;
  #local: LocalTransport | null = null;
  #output: LocalOutput | null = null;
  #loading: Promise<LocalTransport | null> | null = null;
  /** Why the engine did not start, the last time it was tried. */
  #localError: SottoError | null = null;
  #tick: ReturnType<typeof setInterval> | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #retries = 0;
  #preload: ReturnType<typeof setTimeout> | undefined;
  #switching: Promise<void> | null = null;
  /** Settles when {@link start} did (turns that end while the engine loads wait for it). */
  #started: Promise<void> = Promise.resolve();
  /** Offline turns already handed to the remote agent (count from the start of `local.conversation()`). */
  #delivered = 0;
  /** Turns between their end and their commit (the switch they may cause is still settling). */
  #preparing = 0;
  readonly #offline = (): void => {
    this.check();
  };

  constructor(host: FallbackHost, mode: FallbackMode, options: OfflineOptions) {
    this.#h = host;
    this.#o = options;
    this.#policy = new FallbackPolicy(mode, options);
    this.#active = this.#policy.mode;
  }

  get policy(): FallbackMode {
    return this.#policy.policy;
  }

  /** Who answers now. */
  get active(): AnswerMode {
    return this.#active;
  }

  /** The on-device transport once loaded. */
  get local(): LocalTransport | null {
    return this.#local;
  }

  /** Where local replies play (the session's output in local mode). */
  get output(): LocalOutput | null {
    return this.#output;
  }

  /**
   * Starts watching. `remoteFailed`: the first remote connection failed (the session starts offline and
   * keeps trying). Resolves when the session can take turns: at once in remote mode (the engine loads in
   * the background unless `preload` is false), after the engine loaded in local mode.
   */
  start(remoteFailed: SottoError | null): Promise<void> {
    const started = this.#start(remoteFailed);
    this.#started = started.catch(() => undefined);
    return started;
  }

  async #start(remoteFailed: SottoError | null): Promise<void> {
    if (this.#active === 'local' || remoteFailed) {
      const local = await this.#ensureLocal();
      if (!local) {
        const why = this.#localError?.message ?? 'unknown';
        throw new SottoError(
          this.#localError?.code ?? 'offline_engine_error',
          remoteFailed
            ? `no link to the agent (${remoteFailed.code}: ${remoteFailed.message}), and the on-device engine did not start: ${why}`
            : `the on-device engine did not start: ${why}`,
          { cause: this.#localError ?? remoteFailed },
        );
      }
      // With the remote link closed, the policy goes local too (and comes back when it is healthy).
      if (remoteFailed) this.#policy.observe(this.#observe());
      this.#active = 'local';
      this.#h.switched('local', remoteFailed ? `no link to the agent (${remoteFailed.code})` : 'forced');
      if (remoteFailed) this.#scheduleRetry();
    } else if (this.#o.preload !== false) {
      // Not in the way of the VAD's own start-up (a 2-core device feels both): after it, and a beat.
      void this.#h.settled().then(() => {
        this.#preload = setTimeout(() => {
          if (!this.#h.closed()) void this.#ensureLocal();
        }, PRELOAD_DELAY_MS);
      });
    }
    // Watching starts once the first mode is settled.
    globalThis.addEventListener('online', this.#offline);
    globalThis.addEventListener('offline', this.#offline);
    this.#tick = setInterval(() => {
      this.check();
    }, TICK_MS);
  }

  /** Holds the session on the device (`true`), or lets the link decide again (`false`). */
  setForced(on: boolean): void {
    const d = this.#policy.setForced(on);
    if (d) this.#switch(d);
    else this.check();
  }

  /** Looks at the link now (called on every status/health event and on a timer). */
  check(): void {
    if (this.#h.closed() || this.#tick === undefined) return;
    const d = this.#policy.observe(this.#observe());
    if (d) this.#switch(d);
    const remote = this.#h.remote();
    if (!this.#policy.forced && (!remote || remote.status === 'closed')) this.#scheduleRetry();
  }

  /**
   * A user turn ended and is about to be committed: when the remote link cannot answer it, switches to
   * the engine now. Resolves once the turn can be committed to whoever answers.
   */
  async turnEnded(): Promise<void> {
    this.#preparing++;
    await this.#started;
    if (this.#h.closed() || this.#tick === undefined) return;
    const d = this.#policy.turnEnded(this.#observe());
    if (d) this.#switch(d);
    await this.#switching;
  }

  /**
   * The turn that {@link turnEnded} prepared was committed (or given up). Until then the session counts
   * as busy, so the way back to remote never lands between a turn's end and its commit.
   */
  turnCommitted(): void {
    this.#preparing = Math.max(0, this.#preparing - 1);
  }

  /** A turn is between its end and its commit. */
  get preparing(): boolean {
    return this.#preparing > 0;
  }

  /**
   * The remote agent stopped answering mid-exchange (it left the room, or its reply never came): as for a
   * turn that ends now, the device takes over when the remote cannot answer. True when it switches.
   */
  agentLost(): boolean {
    if (this.#h.closed() || this.#tick === undefined || this.#active === 'local') return false;
    const o = this.#observe();
    const d = this.#policy.turnEnded({ ...o, agentReady: false });
    if (!d) return false;
    this.#switch(d);
    return true;
  }

  async close(): Promise<void> {
    globalThis.removeEventListener('online', this.#offline);
    globalThis.removeEventListener('offline', this.#offline);
    clearInterval(this.#tick);
    clearTimeout(this.#retry);
    clearTimeout(this.#preload);
    const local = (await this.#loading?.catch(() => null)) ?? this.#local;
    this.#local = null;
    await local?.close();
    this.#output?.close();
    this.#output = null;
  }

  #observe(): LinkObservation {
    const remote = this.#h.remote();
    return {
      now: performance.now(),
      status: remote?.status ?? 'closed',
      health: remote?.health.level ?? 'down',
      online: globalThis.navigator.onLine,
      agentReady: this.#h.remoteReady(),
      busy: this.#preparing > 0 || this.#h.busy(),
    };
  }

  #switch(d: ModeDecision): void {
    const run = async (): Promise<void> => {
      // A decision overtaken while an earlier switch settled (the engine loading) is dropped: the policy
      // has moved on, and flipping there and back in one go would split the turn between agents.
      if (d.mode === this.#active || d.mode !== this.#policy.mode) return;
      if (d.mode === 'local') {
        const local = await this.#ensureLocal();
        if (!local || this.#h.closed()) return;
        this.#active = 'local';
        this.#h.switched('local', d.reason);
        return;
      }
      this.#active = 'remote';
      this.#h.switched('remote', d.reason);
      await this.#handOver();
    };
    const previous = this.#switching ?? Promise.resolve();
    const next = previous.then(run).catch((e: unknown) => {
      this.#h.error(
        e instanceof SottoError ? e : new SottoError('internal', `switching to ${d.mode} failed: ${String(e)}`),
      );
    });
    this.#switching = next;
    void next.finally(() => {
      if (this.#switching === next) this.#switching = null;
    });
  }

  /** Loads the engine once; null (and an `error` event) when it cannot start. */
  #ensureLocal(): Promise<LocalTransport | null> {
    this.#loading ??= (async () => {
      try {
        this.#output = await LocalOutput.create(this.#h.ctx, () => {
          // Played once the session's gesture unlock resumes the context and calls play() again.
        });
        const { LocalTransport } = await import('../offline/local-transport.ts');
        const o = this.#o;
        const options: LocalTransportOptions = {
          output: this.#output,
          ...(o.models ? { models: o.models } : {}),
          ...(o.engine ? { engine: o.engine } : {}),
          ...(o.onOfflineTurn ? { onOfflineTurn: o.onOfflineTurn } : {}),
          ...(o.phrases ? { phrases: o.phrases } : {}),
          ...(o.asr ? { asr: o.asr } : {}),
          ...(o.instructions === undefined ? {} : { instructions: o.instructions }),
          ...(o.voice ? { voice: o.voice } : {}),
        };
        const local = new LocalTransport(options);
        this.#h.attachLocal(local);
        await local.connect({ micTrack: this.#h.micTrack() });
        if (this.#h.closed()) {
          await local.close();
          return null;
        }
        this.#local = local;
        return local;
      } catch (e) {
        const err =
          e instanceof SottoError
            ? e
            : new SottoError('offline_engine_error', `the on-device engine did not start: ${String(e)}`, { cause: e });
        this.#localError = err;
        this.#h.error(err);
        this.#output?.close();
        this.#output = null;
        this.#loading = null; // a later failover tries again
        return null;
      }
    })();
    return this.#loading;
  }

  /** While the remote transport is gone (gave up, never connected), a new one is tried with backoff. */
  #scheduleRetry(): void {
    if (this.#retry !== undefined || this.#h.closed()) return;
    const delay = RETRY_DELAYS_MS[Math.min(this.#retries, RETRY_DELAYS_MS.length - 1)] ?? 10_000;
    this.#retries++;
    this.#retry = setTimeout(() => {
      void this.#retryNow();
    }, delay);
  }

  async #retryNow(): Promise<void> {
    const remote = this.#h.closed() ? null : this.#h.newRemote();
    if (!remote) return; // closing, or the app's own transport: nothing to recreate (#retry stays set)
    try {
      await remote.connect({ micTrack: this.#h.micTrack() });
      this.#retries = 0;
    } catch {
      // Still unreachable; the next attempt is scheduled below.
    } finally {
      this.#retry = undefined;
    }
    if (remote.status === 'closed') this.#scheduleRetry();
    this.check();
  }

  /** Hands the offline turns (what the user said, what they heard of the reply) to the remote agent. */
  async #handOver(): Promise<void> {
    const local = this.#local;
    if (!local || !this.#h.remote()) return;
    const turns = local.conversation().slice(this.#delivered);
    const done = turns.filter((t) => t.status !== 'pending');
    if (done.length === 0) return;
    this.#delivered += done.length;
    await this.#h.handOver(done);
  }
}

/**
 * The conversation items that tell the remote agent about one offline exchange: the user's words, and
 * the part of the reply the user heard (all of it when it played out).
 */
export function handOverEvents(t: OfflineTurn): ClientEvent[] {
  const events: ClientEvent[] = [];
  if (t.user.trim()) {
    events.push({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: t.user }] },
    });
  }
  const heard = t.status === 'completed' ? t.reply : t.heardReply;
  if (heard?.trim()) {
    events.push({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: heard }] },
    });
  }
  return events;
}
