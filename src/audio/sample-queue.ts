/**
 * FIFO of Float32 samples in runs ("segments") tagged with a small integer (the jitter buffer's response
 * slot). A segment is either stored audio or a gap: a length of silence that takes no storage. Appending
 * to the run at the tail merges with it. Everything is allocated in the constructor; no method allocates,
 * logs, throws or waits.
 */
export class SampleQueue {
  readonly #store: Float32Array;
  #head = 0;
  #count = 0;
  readonly #tag: Int32Array;
  readonly #len: Float64Array;
  readonly #gap: Uint8Array;
  #first = 0;
  #size = 0;
  readonly #perTag: Int32Array;
  #nonFinite = 0;

  /**
   * @param capacity samples stored at most.
   * @param maxSegments runs queued at most.
   * @param tags tags are integers in [0, tags).
   */
  constructor(capacity: number, maxSegments: number, tags: number) {
    this.#store = new Float32Array(capacity);
    this.#tag = new Int32Array(maxSegments);
    this.#len = new Float64Array(maxSegments);
    this.#gap = new Uint8Array(maxSegments);
    this.#perTag = new Int32Array(tags);
  }

  /** Samples stored (gaps not included). */
  get stored(): number {
    return this.#count;
  }

  /** Room left for stored samples. */
  get free(): number {
    return this.#store.length - this.#count;
  }

  /** Segments queued. */
  get segments(): number {
    return this.#size;
  }

  /** Non-finite samples replaced by 0 by {@link append} so far. */
  get nonFiniteCount(): number {
    return this.#nonFinite;
  }

  /** Segments queued with tag `tag`. */
  segmentsOf(tag: number): number {
    return this.#perTag[tag] ?? 0;
  }

  /** Tag of the head segment; -1 when empty. */
  headTag(): number {
    return this.#size === 0 ? -1 : (this.#tag[this.#first] ?? -1);
  }

  /** Samples left in the head segment (0 when empty). */
  headLength(): number {
    return this.#size === 0 ? 0 : (this.#len[this.#first] ?? 0);
  }

  /** Whether the head segment is a gap. */
  headIsGap(): boolean {
    return this.#gap[this.#first] === 1;
  }

  /**
   * Appends `count` samples of `src` from `from` as audio tagged `tag`; NaN and infinities become 0 and are
   * counted. Returns the samples appended: fewer when storage runs out, 0 when the segment queue is full.
   */
  append(tag: number, src: Float32Array, from: number, count: number): number {
    const n = Math.min(count, this.free, src.length - from);
    if (n <= 0 || !this.#run(tag, n, false)) return 0;
    const store = this.#store;
    let w = (this.#head + this.#count) % store.length;
    for (let i = from; i < from + n; i++) {
      const x = src[i] ?? 0;
      if (x - x === 0) store[w] = x;
      else {
        store[w] = 0;
        this.#nonFinite++;
      }
      if (++w === store.length) w = 0;
    }
    this.#count += n;
    return n;
  }

  /** Appends `length` samples of gap tagged `tag`; false when the segment queue is full. */
  appendGap(tag: number, length: number): boolean {
    return length <= 0 || this.#run(tag, length, true);
  }

  /** Copies `k` stored samples from `offset` past the head into `out` at `at`; does not consume them. */
  copy(offset: number, out: Float32Array, at: number, k: number): void {
    const store = this.#store;
    let r = (this.#head + offset) % store.length;
    for (let j = at; j < at + k; j++) {
      out[j] = store[r] ?? 0;
      if (++r === store.length) r = 0;
    }
  }

  /** Stored sample `offset` past the head. */
  peek(offset: number): number {
    return this.#store[(this.#head + offset) % this.#store.length] ?? 0;
  }

  /** Consumes `k` samples of the head segment (at most what it has left); pops it when done. */
  consume(k: number): void {
    const seg = this.#first;
    const left = this.#len[seg] ?? 0;
    const n = Math.min(k, left);
    if (this.#gap[seg] !== 1) {
      this.#head = (this.#head + n) % this.#store.length;
      this.#count -= n;
    }
    this.#len[seg] = left - n;
    if (left - n > 0) return;
    const tag = this.#tag[seg] ?? 0;
    this.#perTag[tag] = (this.#perTag[tag] ?? 1) - 1;
    this.#first = (seg + 1) % this.#len.length;
    this.#size--;
  }

  /** Empties the queue; returns the stored samples discarded. */
  clear(): number {
    const discarded = this.#count;
    this.#head = this.#count = this.#first = this.#size = 0;
    this.#perTag.fill(0);
    return discarded;
  }

  #run(tag: number, length: number, gap: boolean): boolean {
    const cap = this.#len.length;
    const last = (this.#first + this.#size - 1) % cap;
    if (this.#size > 0 && this.#tag[last] === tag && (this.#gap[last] === 1) === gap) {
      this.#len[last] = (this.#len[last] ?? 0) + length;
      return true;
    }
    if (this.#size === cap) return false;
    const seg = (this.#first + this.#size) % cap;
    this.#tag[seg] = tag;
    this.#len[seg] = length;
    this.#gap[seg] = gap ? 1 : 0;
    this.#size++;
    this.#perTag[tag] = (this.#perTag[tag] ?? 0) + 1;
    return true;
  }
}
