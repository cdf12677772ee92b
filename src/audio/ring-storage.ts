/**
 * Memory layout of a `RingWriter` / `RingReader` ring: a header (Int32 words, then Float64
 * slots), a ring of clock anchors, then the Float32 samples. Allocated once by {@link createRingStorage}.
 */

/** Error codes of {@link RingBufferError}. */
export type RingBufferErrorCode =
  /** A size or rate option is out of range. */
  | 'invalid_option'
  /** The buffer given to a reader or writer was not made by {@link createRingStorage}. */
  | 'invalid_storage';

/** Thrown by {@link createRingStorage} and the reader/writer constructors; never by their audio-thread methods. */
export class RingBufferError extends Error {
  override readonly name = 'RingBufferError';
  readonly code: RingBufferErrorCode;

  constructor(code: RingBufferErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Options of {@link createRingStorage}. */
export interface RingStorageOptions {
  /** Rate of the stored samples, in Hz; used to map positions to context time. Default 16000. */
  sampleRate?: number;
  /** History kept, in seconds. Default 10. Ignored when `capacity` is given. */
  seconds?: number;
  /** History kept, in samples (overrides `seconds`). Integer in [1, 2^28]. */
  capacity?: number;
  /** Allocate a SharedArrayBuffer (true) or an ArrayBuffer (false). Default: true when SharedArrayBuffer exists. */
  shared?: boolean;
  /** Clock anchors kept for `RingReader.timeOfPosition()`. Integer in [1, 1024]. Default 32. */
  clockAnchors?: number;
}

const MAGIC = 0x52494e47;
/** @internal Header slots, shared with ring-buffer.ts. */
// Int32 words.
export const I_MAGIC = 0;
export const I_CAPACITY = 1;
export const I_ANCHOR_SLOTS = 2;
export const I_SEQ = 3;
// Float64 slots (after the four Int32 words).
export const F_SAMPLE_RATE = 2;
export const F_WRITE_POS = 3;
export const F_VALID_FROM = 4;
export const F_NON_FINITE = 5;
export const F_ANCHOR_COUNT = 6;
export const F_ANCHORS = 7;

function headerBytes(anchorSlots: number): number {
  return (F_ANCHORS + 2 * anchorSlots) * 8;
}

/**
 * Allocates the memory of a ring and writes its header. Allocates: call it once, off the audio thread,
 * and hand the buffer to both sides (transfer it when it is a plain ArrayBuffer used by one thread).
 */
export function createRingStorage(options: RingStorageOptions = {}): SharedArrayBuffer | ArrayBuffer {
  const sampleRate = options.sampleRate ?? 16000;
  const capacity = options.capacity ?? Math.round((options.seconds ?? 10) * sampleRate);
  const slots = options.clockAnchors ?? 32;
  if (!(Number.isFinite(sampleRate) && sampleRate > 0)) {
    throw new RingBufferError('invalid_option', `sampleRate must be a positive number of Hz, got ${sampleRate}`);
  }
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 2 ** 28) {
    throw new RingBufferError('invalid_option', `capacity must be an integer in [1, 2^28] samples, got ${capacity}`);
  }
  if (!Number.isInteger(slots) || slots < 1 || slots > 1024) {
    throw new RingBufferError('invalid_option', `clockAnchors must be an integer in [1, 1024], got ${slots}`);
  }
  const bytes = headerBytes(slots) + capacity * 4;
  const shared = options.shared ?? typeof SharedArrayBuffer !== 'undefined';
  const buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  const h = new Int32Array(buffer, 0, 4);
  const f = new Float64Array(buffer, 0, F_ANCHORS);
  h[I_CAPACITY] = capacity;
  h[I_ANCHOR_SLOTS] = slots;
  f[F_SAMPLE_RATE] = sampleRate;
  Atomics.store(h, I_MAGIC, MAGIC);
  return buffer;
}

/** @internal Typed views of a ring's memory, shared by the writer and the reader. */
export class RingViews {
  readonly capacity: number;
  readonly sampleRate: number;
  readonly h: Int32Array;
  readonly f: Float64Array;
  readonly anchors: Float64Array;
  readonly data: Float32Array;

  constructor(storage: SharedArrayBuffer | ArrayBuffer) {
    if (storage.byteLength < headerBytes(1) + 4) {
      throw new RingBufferError('invalid_storage', 'buffer is too small to be a ring');
    }
    const h = new Int32Array(storage, 0, 4);
    const capacity = h[I_CAPACITY] ?? 0;
    const slots = h[I_ANCHOR_SLOTS] ?? 0;
    if (Atomics.load(h, I_MAGIC) !== MAGIC || storage.byteLength !== headerBytes(slots) + capacity * 4) {
      throw new RingBufferError('invalid_storage', 'buffer was not made by createRingStorage()');
    }
    this.h = h;
    this.f = new Float64Array(storage, 0, F_ANCHORS + 2 * slots);
    this.anchors = new Float64Array(storage, F_ANCHORS * 8, 2 * slots);
    this.data = new Float32Array(storage, headerBytes(slots), capacity);
    this.capacity = capacity;
    this.sampleRate = this.f[F_SAMPLE_RATE] ?? 0;
  }
}
