/**
 * The agent's voice when it arrives as events (WebSocket): reply PCM goes into the SDK's playback worklet
 * ({@link PlaybackNode}: adaptive jitter buffer, exact per-response played counters, flush within one
 * render quantum), whose output becomes a MediaStreamTrack. The transport hands that track to the session
 * as its `agent_track`, so the session plays, ducks, taps and truncates it exactly as a WebRTC track
 * (through a media element, the path the browser's echo canceller sees).
 */
import { PlaybackNode } from '../../audio/playback-node.ts';

export interface AgentVoiceEvents {
  /** The response's first sample played. */
  started(responseId: string): void;
  /** The response played out (after `end()`). */
  drained(responseId: string): void;
  /** `flush()` cut the response while it played. */
  interrupted(responseId: string): void;
}

export class AgentVoice {
  readonly #node: PlaybackNode;
  readonly #dest: MediaStreamAudioDestinationNode;
  readonly #track: MediaStreamTrack;
  readonly #off: (() => void)[];
  #playing: string | null = null;
  #underruns = 0;

  private constructor(ctx: AudioContext, node: PlaybackNode, on: AgentVoiceEvents) {
    this.#node = node;
    this.#dest = ctx.createMediaStreamDestination();
    node.output.connect(this.#dest);
    const [track] = this.#dest.stream.getAudioTracks();
    if (!track) throw new Error('MediaStreamAudioDestinationNode has no track');
    this.#track = track;
    this.#off = [
      node.on('started', (e) => {
        this.#playing = e.responseId;
        on.started(e.responseId);
      }),
      node.on('drained', (e) => {
        if (this.#playing === e.responseId) this.#playing = null;
        on.drained(e.responseId);
      }),
      node.on('underrun', () => {
        this.#underruns++;
      }),
      node.on('interrupted', (e) => {
        if (this.#playing === e.responseId) this.#playing = null;
        on.interrupted(e.responseId);
      }),
    ];
  }

  /** Loads the playback worklet on `ctx` (once per context). */
  static async create(ctx: AudioContext, on: AgentVoiceEvents): Promise<AgentVoice> {
    return new AgentVoice(ctx, await PlaybackNode.create(ctx), on);
  }

  /** The track the session plays. Stopped by {@link close}. */
  get track(): MediaStreamTrack {
    return this.#track;
  }

  /** The response playing now, or null. */
  get playing(): string | null {
    return this.#playing;
  }

  /** Queues a chunk of `responseId` at `rate` Hz. */
  push(responseId: string, pcm: Int16Array, rate: number): void {
    this.#node.push(responseId, pcm, rate);
  }

  /** No more audio for `responseId`: it plays out, then `drained`. */
  end(responseId: string): void {
    this.#node.end(responseId);
  }

  /** Silences everything within a render quantum; queued and later chunks of those responses are dropped. */
  flush(): void {
    this.#node.flush();
  }

  /** Milliseconds of `responseId` played (its timeline position), or null when unknown. */
  playedMs(responseId: string): number | null {
    return this.#node.played(responseId)?.ms ?? null;
  }

  /** Times a reply's audio ran dry while it played (the network did not keep up: an audible gap). */
  get underruns(): number {
    return this.#underruns;
  }

  close(): void {
    for (const off of this.#off) off();
    this.#node.close();
    this.#dest.disconnect();
    this.#track.stop();
  }
}
