import { ArrivalDelayEstimator } from './arrival-delay.ts';
import { Fader } from './fader.ts';
import { addTo, ResponseState as R, ResponseTable } from './response-table.ts';
import {
  emptyStats,
  PlaybackEvent,
  resolveOptions,
  type JitterBufferOptions,
  type JitterBufferStats,
} from './playback-types.ts';
import { SampleQueue } from './sample-queue.ts';

export {
  JitterBufferError,
  PlaybackEvent,
  type JitterBufferErrorCode,
  type JitterBufferOptions,
  type JitterBufferStats,
} from './playback-types.ts';

/**
 * Adaptive playout buffer for streamed PCM (pure core of the playback worklet; no DOM, clock passed in).
 *
 * Delay policy (after WebRTC NetEq's delay manager, see {@link ArrivalDelayEstimator}): a chunk's relative
 * delay is how much later it came than the fastest chunk of the last `delayWindowMs`, on the response's
 * media timeline; the target delay is `minDelayMs` plus the `quantile` of a forgetting histogram of them.
 * A response starts when `targetDelayMs` has passed since the fastest-path arrival of its first sample (at
 * once when it has ended).
 *
 * Underrun: the output fades out (a mirrored continuation of the last samples: no click), silence plays and
 * the response's timeline slips by it (the audio is kept, not skipped); playback fades back in when audio
 * comes. Catch-up: while more than `targetDelayMs + catchUpMarginMs` of the playing response is buffered, one
 * quantum is dropped by cross-fading it into the next, at most every `catchUpIntervalQuanta` pulls and never
 * more than the underrun silence that response played. So a source that sends faster than real time (the
 * usual TTS stream) loses nothing, and a gap in the timeline that underrun silence already covered is not
 * played again.
 *
 * All samples are at {@link JitterBufferOptions.sampleRate} (resample chunks before `push()`). Response ids
 * are numbers chosen by the caller (map protocol ids to integers on the main thread). `pull()` returns
 * {@link PlaybackEvent} bits, with the ids in `lastStartedId` and friends, so a worklet polls them without
 * allocating.
 */

/**
 * Allocates everything in its constructor. `push()`, `pull()`, `end()`, `cancel()`, `flush()` and the
 * getters never allocate, log, throw or wait: they may run in the worklet's `process()` and `onmessage`.
 */
export class JitterBuffer {
  /** Rate of the samples, Hz. */
  readonly sampleRate: number;
  /** Counters; see {@link JitterBufferStats}. */
  readonly stats: Readonly<JitterBufferStats>;
  readonly #st: JitterBufferStats;
  readonly #maxPull: number;
  readonly #margin: number;
  readonly #interval: number;
  readonly #queue: SampleQueue;
  readonly #delay: ArrivalDelayEstimator;
  readonly #r: ResponseTable;
  readonly #busy = (slot: number): boolean => slot === this.#cur || this.#queue.segmentsOf(slot) > 0;
  #pushSlot = -1;
  // Playback.
  #cur = -1;
  #ev = 0;
  #flushTail = false;
  #underrun = false;
  #sinceDrop = 0;
  readonly #fader: Fader;
  #lastStarted = -1;
  #lastDrained = -1;
  #lastUnderrun = -1;

  /** @throws JitterBufferError `unsupported_sample_rate` or `invalid_option`. */
  constructor(options: JitterBufferOptions) {
    const o = resolveOptions(options);
    this.sampleRate = o.sampleRate;
    this.#maxPull = o.maxPullFrames;
    this.#margin = o.catchUpMarginMs;
    this.#interval = o.catchUpIntervalQuanta;
    this.#st = emptyStats();
    this.stats = this.#st;
    this.#queue = new SampleQueue(o.capacity, o.maxSegments, o.maxResponses);
    this.#delay = new ArrivalDelayEstimator(o.delay);
    this.#r = new ResponseTable(o.maxResponses);
    this.#fader = new Fader(o.fadeFrames);
  }

  /** Current target delay, in ms. */
  get targetDelayMs(): number {
    return this.#delay.targetMs;
  }

  /** Samples queued (gaps not included). */
  get bufferedSamples(): number {
    return this.#queue.stored;
  }

  /** Id of the response playing, or -1. */
  get currentId(): number {
    return this.#cur < 0 ? -1 : (this.#r.id[this.#cur] ?? -1);
  }

  /** Response of the latest `started` event, or -1. */
  get lastStartedId(): number {
    return this.#lastStarted;
  }

  /** Response of the latest `drained` event, or -1. */
  get lastDrainedId(): number {
    return this.#lastDrained;
  }

  /** Response of the latest `underrun` event, or -1. */
  get lastUnderrunId(): number {
    return this.#lastUnderrun;
  }

  /** Samples of response `id` played (fades included; silence and dropped audio not). -1 if unknown. */
  playedSamples(id: number): number {
    const s = this.#r.find(id);
    return s < 0 ? -1 : (this.#r.heard[s] ?? 0);
  }

  /**
   * How far playback got in response `id`'s timeline, in samples: played audio plus audio dropped by
   * catch-up and gaps. This is the truncation point after a barge-in. -1 if unknown.
   */
  playedPosition(id: number): number {
    const s = this.#r.find(id);
    return s < 0 ? -1 : (this.#r.position[s] ?? 0);
  }

  /**
   * Queues a chunk of response `responseId` that arrived at `arrivalMs` (the clock of `pull()`'s `nowMs`).
   * `offset`, in samples from the start of the response, places the chunk in its timeline (default: right
   * after the previous chunk). A gap before it plays as silence (`lostSamples`); the part behind the timeline
   * is dropped (`lateSamples`). Returns the samples queued.
   */
  push(samples: Float32Array, arrivalMs: number, responseId: number, offset?: number): number {
    const st = this.#st;
    const len = samples.length;
    if (len === 0) {
      st.emptyChunks++;
      return 0;
    }
    const slot = this.#r.claim(responseId, this.#busy);
    const state = slot < 0 ? R.free : this.#r.state[slot];
    if (state === R.cancelled) {
      st.cancelledChunks++;
      st.cancelledSamples += len;
      return 0;
    } else if (state === R.done) {
      st.lateChunks++;
      st.lateSamples += len;
      return 0;
    } else if (state !== R.open && state !== R.ended) {
      st.rejectedChunks++;
      return 0;
    }
    const expected = this.#r.received[slot] ?? 0;
    const at = offset !== undefined && Number.isFinite(offset) ? Math.round(offset) : expected;
    const skip = Math.max(0, Math.min(len, expected - at));
    st.lateSamples += skip;
    if (skip === len) {
      st.lateChunks++;
      return 0;
    }
    const q = this.#queue;
    if (at > expected) {
      st.lostSamples += at - expected;
      if (!q.appendGap(slot, at - expected)) st.overflowSamples += at - expected;
    }
    const bad = q.nonFiniteCount;
    const queued = q.append(slot, samples, skip, len - skip);
    st.nonFiniteSamples += q.nonFiniteCount - bad;
    if (queued < len - skip) {
      st.overflowSamples += len - skip - queued;
      q.appendGap(slot, len - skip - queued);
    }
    this.#r.received[slot] = at + len;
    if (!Number.isFinite(arrivalMs)) st.badTimestamps++;
    else {
      if (slot !== this.#pushSlot) this.#delay.newStream();
      this.#pushSlot = slot;
      this.#delay.observe(arrivalMs, (at * 1000) / this.sampleRate, (len * 1000) / this.sampleRate);
      this.#r.reference[slot] = this.#delay.referenceMs;
    }
    return queued;
  }

  /** Response `responseId` gets no more chunks: it drains instead of underrunning. Unknown ids are ignored. */
  end(responseId: number): void {
    const s = this.#r.find(responseId);
    if (s >= 0 && this.#r.state[s] === R.open) this.#r.state[s] = R.ended;
  }

  /**
   * Drops response `responseId` (known or not yet): its queued audio is skipped, its later chunks are dropped
   * and counted. If it is playing, the next pull fades it out within the quantum.
   */
  cancel(responseId: number): void {
    const s = this.#r.claim(responseId, this.#busy);
    if (s < 0 || this.#r.state[s] === R.done) return;
    this.#r.state[s] = R.cancelled;
    if (s === this.#cur) this.#interrupt();
  }

  /** Barge-in: cancels every response not yet drained; the next pull fades out within one quantum. */
  flush(): void {
    for (let s = 0; s < this.#r.state.length; s++) {
      if (this.#r.state[s] === R.open || this.#r.state[s] === R.ended) this.#r.state[s] = R.cancelled;
    }
    this.#st.flushedSamples += this.#queue.clear();
    this.#interrupt();
  }

  /**
   * Fills `out` (its first `maxPullFrames` frames; the rest is zeroed) with what plays at `nowMs` (ms, the
   * clock of `push()`). Returns the {@link PlaybackEvent} bits of this quantum.
   */
  pull(out: Float32Array, nowMs: number): number {
    const n = Math.min(out.length, this.#maxPull);
    const q = this.#queue;
    this.#ev = 0;
    this.#sinceDrop++;
    if (this.#flushTail) {
      this.#flushTail = false;
      this.#fader.silence(out, 0, n);
      this.#ev |= PlaybackEvent.flushed;
    } else if (!this.#catchUp(out, n)) {
      let i = 0;
      while (i < n) {
        const slot = q.headTag();
        if (slot < 0) {
          i = this.#starve(out, i, n);
        } else if (this.#r.state[slot] === R.cancelled) {
          if (!q.headIsGap()) this.#st.flushedSamples += q.headLength();
          q.consume(q.headLength());
        } else if (slot !== this.#cur) {
          if (this.#cur >= 0) {
            // The playing response stopped without end(): fade it out before the next one fades in.
            this.#drained();
            if (this.#fader.audible) i = this.#fader.silence(out, i, Math.min(n, i + this.#fader.frames));
          } else if (this.#r.state[slot] === R.ended || nowMs >= (this.#r.reference[slot] ?? 0) + this.targetDelayMs) {
            this.#start(slot);
          } else i = this.#fader.silence(out, i, n);
        } else if (q.headIsGap() && (this.#r.owed[slot] ?? 0) > 0) {
          // Underrun silence already covered (part of) this gap: skip that much of it.
          const k = Math.min(q.headLength(), this.#r.owed[slot] ?? 0);
          addTo(this.#r.owed, slot, -k);
          addTo(this.#r.position, slot, k);
          this.#st.concealedLossSamples += k;
          q.consume(k);
        } else {
          const k = Math.min(q.headLength(), n - i);
          i = q.headIsGap() ? this.#fader.silence(out, i, i + k) : this.#play(out, i, k);
          addTo(this.#r.position, slot, k);
          q.consume(k);
        }
      }
    }
    out.fill(0, n);
    this.#fader.remember(out, n);
    return this.#ev;
  }

  #start(slot: number): void {
    this.#cur = slot;
    if (this.#r.started[slot] === 1) return;
    this.#r.started[slot] = 1;
    this.#lastStarted = this.#r.id[slot] ?? -1;
    this.#ev |= PlaybackEvent.started;
  }

  #drained(): void {
    this.#r.state[this.#cur] = R.done;
    this.#lastDrained = this.#r.id[this.#cur] ?? -1;
    this.#ev |= PlaybackEvent.drained;
    this.#cur = -1;
    this.#underrun = false;
  }

  /** Nothing queued: the playing response drained or underruns; otherwise idle. */
  #starve(out: Float32Array, i: number, n: number): number {
    const cur = this.#cur;
    if (cur >= 0 && this.#r.state[cur] === R.ended) this.#drained();
    else if (cur >= 0) {
      if (!this.#underrun) {
        this.#underrun = true;
        this.#st.underruns++;
        this.#lastUnderrun = this.#r.id[cur] ?? -1;
        this.#ev |= PlaybackEvent.underrun;
      }
      addTo(this.#r.owed, cur, n - i);
      this.#st.underrunSamples += n - i;
    }
    return this.#fader.silence(out, i, n);
  }

  #interrupt(): void {
    if (this.#fader.audible) this.#flushTail = true;
    this.#cur = -1;
    this.#underrun = false;
  }

  /** Plays `k` stored samples at `out[i]`: fades in after silence, fades out the end of an ended response. */
  #play(out: Float32Array, i: number, k: number): number {
    const cur = this.#cur;
    this.#queue.copy(0, out, i, k);
    const ended = this.#r.state[cur] === R.ended;
    this.#fader.audio(out, i, k, ended ? (this.#r.received[cur] ?? 0) - (this.#r.position[cur] ?? 0) : Infinity);
    addTo(this.#r.heard, cur, k);
    this.#underrun = false;
    return i + k;
  }

  /** Drops one quantum by a cross-fade when the playing response is late and underruns made it owe time. */
  #catchUp(out: Float32Array, n: number): boolean {
    const cur = this.#cur;
    const q = this.#queue;
    if (
      cur < 0 ||
      this.#underrun ||
      this.#fader.fadingIn ||
      this.#sinceDrop <= this.#interval ||
      q.headTag() !== cur ||
      q.headIsGap() ||
      q.headLength() < 2 * n ||
      (this.#r.owed[cur] ?? 0) < n
    ) {
      return false;
    }
    const aheadMs = (((this.#r.received[cur] ?? 0) - (this.#r.position[cur] ?? 0)) * 1000) / this.sampleRate;
    if (aheadMs - this.targetDelayMs <= this.#margin) return false;
    for (let j = 0; j < n; j++) {
      const a = q.peek(j);
      out[j] = a + (q.peek(j + n) - a) * ((j + 0.5) / n);
    }
    q.consume(2 * n);
    addTo(this.#r.position, cur, 2 * n);
    addTo(this.#r.heard, cur, n);
    addTo(this.#r.owed, cur, -n);
    this.#st.catchUpSamples += n;
    this.#sinceDrop = 0;
    this.#ev |= PlaybackEvent.catchUp;
    return true;
  }
}
