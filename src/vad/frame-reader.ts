/**
 * Frame readers of the VAD worker: they cut 512-sample frames out of a source, with each frame's absolute
 * position and AudioContext time, and count what was lost. Pure (no DOM, no worker globals), so they are
 * unit-tested in Node.
 */
import { RingReader } from '../audio/ring-buffer.ts';
import type { SampleChunk } from './types.ts';

/** Where a frame sits, and what was lost before it. */
export interface FrameInfo {
  /** Absolute position of the frame's first sample. */
  position: number;
  /** AudioContext time of that sample (s); `position / sampleRate` when the source has no clock. */
  time: number;
  /** Samples lost between the previous frame and this one (0 when contiguous). */
  lost: number;
}

/** A source of consecutive frames. */
export interface FrameReader {
  /** Copies the next frame into `frame` and fills `info`; false when a whole frame is not there yet. */
  next(frame: Float32Array, info: FrameInfo): boolean;
  /** Samples available but not read yet (the backlog). */
  behind(): number;
  /** Samples still needed before the next frame is complete. */
  missing(frameSamples: number): number;
  /** Clock time (s) of the newest sample available, NaN when unknown: "now" on the source's clock. */
  newestTime(): number;
  /** Position of the next frame's first sample. */
  readonly position: number;
  /** Total samples lost so far. */
  readonly lostSamples: number;
}

/**
 * Reads frames straight from the capture ring (shared memory; no main-thread hop). Stateless reads
 * (`readRange`) with its own position: when the writer has overwritten the next frame, reading resumes at
 * the oldest held sample and the loss is reported in `info.lost`.
 */
export class RingFrameReader implements FrameReader {
  readonly #ring: RingReader;
  #pos: number;
  #lost = 0;
  #pendingLoss = 0;

  /**
   * @param storage a ring from `createRingStorage`
   * @param startAt `'now'` (newest sample), `'oldest'` (oldest held) or an absolute position (clamped)
   */
  constructor(storage: SharedArrayBuffer | ArrayBuffer, startAt: 'now' | 'oldest' | number = 'now') {
    this.#ring = new RingReader(storage);
    const oldest = this.#ring.oldestPosition();
    const newest = this.#ring.writePosition();
    const want = startAt === 'now' ? newest : startAt === 'oldest' ? oldest : Math.floor(startAt);
    this.#pos = Math.min(newest, Math.max(oldest, want));
  }

  /** Sample rate of the ring, Hz. */
  get sampleRate(): number {
    return this.#ring.sampleRate;
  }

  get position(): number {
    return this.#pos;
  }

  get lostSamples(): number {
    return this.#lost;
  }

  next(frame: Float32Array, info: FrameInfo): boolean {
    let lost = this.#pendingLoss;
    this.#pendingLoss = 0;
    for (let attempt = 0; attempt < 4; attempt++) {
      const oldest = this.#ring.oldestPosition();
      if (this.#pos < oldest) {
        lost += oldest - this.#pos;
        this.#pos = oldest;
      }
      const n = this.#ring.readRange(this.#pos, frame);
      if (n === RingReader.OVERWRITTEN) continue; // lapped during the copy: resync on the oldest sample
      if (n < frame.length) break;
      info.position = this.#pos;
      const t = this.#ring.timeOfPosition(this.#pos);
      info.time = Number.isNaN(t) ? this.#pos / this.#ring.sampleRate : t;
      info.lost = lost;
      this.#lost += lost;
      this.#pos += frame.length;
      return true;
    }
    // Not a whole frame yet; a loss found on the way is reported with the next frame.
    this.#pendingLoss = lost;
    return false;
  }

  behind(): number {
    return Math.max(0, this.#ring.writePosition() - this.#pos);
  }

  /** AudioContext time of the sample at `position` (NaN before the writer's first anchor). */
  timeAt(position: number): number {
    return this.#ring.timeOfPosition(position);
  }

  /** One past the newest sample written. */
  newest(): number {
    return this.#ring.writePosition();
  }

  /**
   * Moves on to `position` without reading what lies before it (catching up: `catch-up.ts`). The skipped
   * samples stay in the ring and are not counted as lost. Never moves backwards nor past the newest sample.
   */
  skipTo(position: number): void {
    this.#pos = Math.max(this.#pos, Math.min(Math.floor(position), this.#ring.writePosition()));
    this.#pendingLoss = 0;
  }

  missing(frameSamples: number): number {
    return Math.max(0, frameSamples - this.behind());
  }

  newestTime(): number {
    return this.#ring.timeOfPosition(this.#ring.writePosition());
  }
}

/**
 * Assembles frames from pushed chunks (the `port` and `push` sources). Frames are always made of
 * contiguous samples: a chunk that starts after the expected position is a gap, and the incomplete frame
 * before it is dropped (both counted as lost). A chunk that overlaps what was already queued or taken is
 * trimmed (a replay after a worker restart). At most `maxSeconds` are queued; older samples are dropped and
 * counted.
 */
export class ChunkFrameReader implements FrameReader {
  readonly #sampleRate: number;
  readonly #maxSamples: number;
  readonly #queue: { samples: Float32Array; position: number; time: number; offset: number; gap: number }[] = [];
  #queued = 0;
  #pos: number | null = null;
  #lost = 0;
  #pendingLoss = 0;

  constructor(sampleRate = 16_000, maxSeconds = 30) {
    this.#sampleRate = sampleRate;
    this.#maxSamples = Math.round(maxSeconds * sampleRate);
  }

  get position(): number {
    return this.#pos ?? 0;
  }

  get lostSamples(): number {
    return this.#lost;
  }

  /** Queues a chunk (kept by reference: transfer it in, do not reuse it). */
  push(chunk: SampleChunk): void {
    let { samples, position, time } = chunk;
    const tail = this.#tail();
    if (tail !== null && position < tail) {
      const skip = Math.min(samples.length, tail - position);
      samples = samples.subarray(skip);
      position += skip;
      time += skip / this.#sampleRate;
    }
    if (samples.length === 0) return;
    const gap = tail === null ? 0 : position - tail;
    this.#pos ??= position;
    this.#queue.push({ samples, position, time, offset: 0, gap });
    this.#queued += samples.length;
    while (this.#queued > this.#maxSamples) this.#dropHead();
  }

  next(frame: Float32Array, info: FrameInfo): boolean {
    const need = frame.length;
    // Drop incomplete runs cut by a gap until a contiguous run of `need` samples starts the queue.
    for (;;) {
      let run = 0;
      let cut = false;
      for (let i = 0; i < this.#queue.length && run < need; i++) {
        const c = this.#queue[i];
        if (!c) break;
        if (i > 0 && c.gap > 0) {
          cut = true;
          break;
        }
        run += c.samples.length - c.offset;
      }
      if (run >= need) break;
      if (!cut) return false;
      // The run before the gap can never make a frame: drop it.
      this.#dropHead();
      while (this.#queue[0] && this.#queue[0].gap === 0) this.#dropHead();
    }
    const head = this.#queue[0];
    if (!head) return false;
    const lost = this.#pendingLoss + head.gap;
    this.#pendingLoss = 0;
    head.gap = 0;
    info.position = head.position + head.offset;
    info.time = Number.isNaN(head.time) ? info.position / this.#sampleRate : head.time + head.offset / this.#sampleRate;
    info.lost = lost;
    this.#lost += lost;
    let filled = 0;
    while (filled < need) {
      const c = this.#queue[0];
      if (!c) break;
      const take = Math.min(need - filled, c.samples.length - c.offset);
      frame.set(c.samples.subarray(c.offset, c.offset + take), filled);
      filled += take;
      c.offset += take;
      this.#queued -= take;
      if (c.offset === c.samples.length) this.#queue.shift();
    }
    this.#pos = info.position + need;
    return true;
  }

  behind(): number {
    return this.#queued;
  }

  missing(frameSamples: number): number {
    return Math.max(0, frameSamples - this.#queued);
  }

  newestTime(): number {
    const last = this.#queue[this.#queue.length - 1];
    if (!last) return Number.NaN;
    return last.time + last.samples.length / this.#sampleRate;
  }

  /** Drops the head chunk (what is left of it), counting it and its gap as lost. */
  #dropHead(): void {
    const head = this.#queue.shift();
    if (!head) return;
    const n = head.samples.length - head.offset;
    this.#queued -= n;
    this.#pendingLoss += n + head.gap;
    this.#pos = head.position + head.samples.length;
  }

  /** Position one past the newest sample queued or taken, or null before the first chunk. */
  #tail(): number | null {
    const last = this.#queue[this.#queue.length - 1];
    if (last) return last.position + last.samples.length;
    return this.#pos;
  }
}
