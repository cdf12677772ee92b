/**
 * Where the local transport plays replies: the subset of {@link PlaybackNode} it uses, so tests can pass
 * a fake. A `PlaybackNode` fits as is.
 */
import type { PlaybackEvents, PlayedCount } from '../audio/playback-node.ts';

export interface ReplyOutput {
  /** Queues PCM of response `id` at `sampleRate` Hz. */
  push(id: string, chunk: Int16Array | Float32Array, sampleRate: number): void;
  /** No more audio for `id`: it drains. */
  end(id: string): void;
  /** Drops `id`, playing or queued. */
  cancel(id: string): void;
  /** Barge-in: silence within one render quantum, everything queued dropped. */
  flush(): void;
  /** What the user has heard of `id`. */
  played(id: string): PlayedCount | null;
  on<K extends keyof PlaybackEvents>(type: K, listener: (payload: PlaybackEvents[K]) => void): () => void;
}
