/**
 * Where the on-device engine's replies come out: the playback worklet (adaptive jitter buffer, exact
 * played-sample counters, `flush()` within one render quantum), then a gain for ducking, then a media
 * element, so the browser's echo canceller sees the agent's voice as it does the remote agent's (audio
 * played only through Web Audio is not cancelled: crbug.com/687574).
 *
 * It is both the session's {@link AgentOutput} (barge-in, reply start, what was heard) and the
 * {@link ReplyOutput} the {@link LocalTransport} plays into.
 */
import { PlaybackNode, type PlaybackEvents, type PlayedCount } from '../audio/playback-node.ts';
import type { ReplyOutput } from '../offline/reply-output.ts';
import type { AgentOutput } from './agent-output.ts';

export class LocalOutput implements AgentOutput, ReplyOutput {
  readonly #ctx: AudioContext;
  readonly #node: PlaybackNode;
  readonly #gain: GainNode;
  readonly #dest: MediaStreamAudioDestinationNode;
  readonly #el: HTMLAudioElement;
  #volume = 1;
  #ducked: number | null = null;
  #duckedAt = 0;
  #armed = false;
  #start: number | null = null;
  #playing: string | null = null;
  #lastEnd: number | null = null;
  readonly #off: (() => void)[] = [];

  private constructor(ctx: AudioContext, node: PlaybackNode) {
    this.#ctx = ctx;
    this.#node = node;
    this.#gain = ctx.createGain();
    this.#dest = ctx.createMediaStreamDestination();
    node.output.connect(this.#gain);
    this.#gain.connect(this.#dest);
    this.#el = document.createElement('audio');
    this.#el.autoplay = true;
    this.#el.srcObject = this.#dest.stream;
    this.#off.push(
      node.on('started', (e) => {
        this.#playing = e.responseId;
        if (this.#armed && this.#start === null) this.#start = e.time;
      }),
      node.on('drained', (e) => {
        this.#ended(e.responseId, e.time);
      }),
      node.on('interrupted', (e) => {
        this.#ended(e.responseId, e.time);
      }),
    );
  }

  /** Loads the playback worklet on `ctx`. `onBlocked` is called when autoplay is refused (retry {@link play}). */
  static async create(ctx: AudioContext, onBlocked: (e: unknown) => void): Promise<LocalOutput> {
    const out = new LocalOutput(ctx, await PlaybackNode.create(ctx));
    out.play().catch(onBlocked);
    return out;
  }

  /** (Re)starts the element; rejects when autoplay is blocked. */
  play(): Promise<void> {
    return this.#el.play();
  }

  // --- ReplyOutput (the local transport plays into it) ---------------------------------------------

  push(id: string, chunk: Int16Array | Float32Array, sampleRate: number): void {
    this.#node.push(id, chunk, sampleRate);
  }

  end(id: string): void {
    this.#node.end(id);
  }

  cancel(id: string): void {
    this.#node.cancel(id);
  }

  flush(): void {
    this.#node.flush();
  }

  played(id: string): PlayedCount | null {
    return this.#node.played(id);
  }

  on<K extends keyof PlaybackEvents>(type: K, listener: (payload: PlaybackEvents[K]) => void): () => void {
    return this.#node.on(type, listener);
  }

  // --- AgentOutput (the session's view) ------------------------------------------------------------

  duck(gain: number): number {
    const now = this.#ctx.currentTime;
    if (this.#ducked === null) this.#duckedAt = now;
    this.#ducked = gain;
    this.#apply();
    return now;
  }

  restore(): void {
    this.#ducked = null;
    this.#apply();
  }

  armReply(): void {
    this.#armed = true;
    this.#start = null;
  }

  replyStartTime(): number | null {
    return this.#start;
  }

  lastHeardTime(): number | null {
    if (this.#playing !== null) return this.#ducked === null ? this.#ctx.currentTime : this.#duckedAt;
    return this.#lastEnd;
  }

  lastAudibleTime(): number | null {
    return this.#playing !== null ? this.#ctx.currentTime : this.#lastEnd;
  }

  audible(withinMs = 60): boolean {
    if (this.#playing !== null) return true;
    return this.#lastEnd !== null && this.#ctx.currentTime - this.#lastEnd <= withinMs / 1000;
  }

  setVolume(volume: number): void {
    this.#volume = Math.min(1, Math.max(0, volume));
    this.#apply();
  }

  async setSinkId(deviceId: string): Promise<void> {
    const el = this.#el as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
    if (typeof el.setSinkId !== 'function') throw new Error('this browser cannot choose the output device');
    await el.setSinkId(deviceId);
  }

  /** Disconnects the nodes and the element. The AudioContext is the caller's. */
  close(): void {
    for (const off of this.#off) off();
    this.#node.close();
    this.#gain.disconnect();
    this.#el.pause();
    this.#el.srcObject = null;
    this.#el.remove();
  }

  #ended(id: string, time: number): void {
    if (this.#playing !== id) return;
    this.#playing = null;
    this.#lastEnd = time;
  }

  #apply(): void {
    const v = this.#ducked === null ? this.#volume : Math.min(this.#volume, this.#ducked);
    // From the next render quantum: the duck is local and immediate (barge-in).
    this.#gain.gain.setValueAtTime(v, this.#ctx.currentTime);
  }
}
