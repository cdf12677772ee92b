/**
 * Events of any size on LiveKit. An event up to `MAX_EVENT_BYTES` goes as one reliable data packet; a
 * larger one (a long transcript, a conversation handed over, big instructions) goes as a LiveKit text
 * stream on the same topic (`sendText` / `registerTextStreamHandler`, both in livekit-client and
 * rtc-node), read up to `MAX_STREAM_EVENT_BYTES`.
 *
 * Order is kept with a marker: just before a stream, the sender sends a small packet
 * `{"type":"sotto.stream","sotto:stream_id":id}` (extension `sotto.stream`; an older peer ignores it as an
 * unknown event) and sends nothing else until the stream is out. Packets keep their order on the reliable
 * channel, but a LiveKit SDK may report a stream before or after the packets around it; the receiver's
 * inbox puts the stream where its marker was, holding that sender's later packets until the stream was
 * read whole. Shared by the SDK and the agent (no LiveKit import here: the carriers are passed in).
 */
import { MAX_EVENT_BYTES, MAX_STREAM_EVENT_BYTES } from '../protocol/codec.ts';

/** Event type of the marker packet that announces a stream (consumed by the inbox, never parsed). */
export const STREAM_MARKER_TYPE = 'sotto.stream';

/** How one encoded event leaves: as a data packet, or as a text stream (both to the same recipients). */
export interface EventCarriers {
  packet(bytes: Uint8Array<ArrayBuffer>): Promise<void>;
  stream(text: string, streamId: string): Promise<unknown>;
}

/** Which carrier an event of this size takes. */
export const carrierFor = (byteLength: number): 'packet' | 'stream' =>
  byteLength <= MAX_EVENT_BYTES ? 'packet' : 'stream';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A fresh stream id (unique enough within one room). */
const newStreamId = (): string => `sotto-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

/**
 * Sends encoded events in order over the right carrier: a stream is announced by its marker packet, and a
 * send waits for a stream sent before it (packets are handed to the data channel at once and keep their
 * order by themselves).
 */
export class EventOutbox {
  #streaming: Promise<unknown> = Promise.resolve();
  #streams = 0;

  /** Streams sent so far (events over one packet). */
  get streams(): number {
    return this.#streams;
  }

  async send(bytes: Uint8Array<ArrayBuffer>, carriers: EventCarriers): Promise<void> {
    const previous = this.#streaming.catch(() => undefined);
    if (carrierFor(bytes.byteLength) === 'packet') {
      await previous;
      await carriers.packet(bytes);
      return;
    }
    this.#streams++;
    const id = newStreamId();
    const marker = encoder.encode(JSON.stringify({ type: STREAM_MARKER_TYPE, 'sotto:stream_id': id }));
    const sending = previous.then(async () => {
      await carriers.packet(marker);
      return carriers.stream(decoder.decode(bytes), id);
    });
    this.#streaming = sending;
    await sending;
  }
}

/**
 * Reads a whole text-stream event into bytes for the parser, chunk by chunk; stops reading once it is
 * over `maxBytes` (then returns what it has plus one byte, so the parser reports `event_too_large`).
 */
export async function readStreamEvent(reader: AsyncIterable<string>, maxBytes: number): Promise<Uint8Array> {
  let text = '';
  for await (const chunk of reader) {
    text += chunk;
    // UTF-16 length is a lower bound of the UTF-8 size: a cheap early stop for a hostile stream.
    if (text.length > maxBytes) return new Uint8Array(maxBytes + 1);
  }
  return encoder.encode(text);
}

/** The stream id of a marker packet, or null for any other packet. */
export function markerStreamId(bytes: Uint8Array): string | null {
  if (bytes.byteLength > 160) return null;
  const text = decoder.decode(bytes);
  if (!text.includes(STREAM_MARKER_TYPE)) return null;
  try {
    const v = JSON.parse(text) as { type?: unknown; 'sotto:stream_id'?: unknown };
    return v.type === STREAM_MARKER_TYPE && typeof v['sotto:stream_id'] === 'string' ? v['sotto:stream_id'] : null;
  } catch {
    return null;
  }
}

/** One event in a sender's order; `bytes` is null while its stream has not been read whole. */
interface Slot<S> {
  from: S;
  bytes: Uint8Array | null;
  maxBytes: number;
  /** Set for a stream's place (from its marker). */
  streamId?: string;
  /** When a stream's place gives up waiting for it (ms, performance.now). */
  deadline?: number;
}

/** How long a marker holds its sender's later packets when its stream does not come. */
const STREAM_WAIT_MS = 10_000;

/**
 * Delivers each sender's events in the order they were sent: a stream at the place of its marker packet,
 * the sender's later packets after it. Senders do not wait for each other (a slow stream from one
 * participant never holds up another's events). A stream without a marker (a peer that sends none) is
 * delivered as soon as it has been read.
 */
export class EventInbox<S> {
  readonly #queues = new Map<string, Slot<S>[]>();
  /** Streams read whole before their marker arrived, by id. */
  readonly #early = new Map<string, Uint8Array>();
  /** Streams delivered without their marker (a late marker is then ignored); the last few only. */
  readonly #delivered = new Set<string>();
  readonly #key: (from: S) => string;
  readonly #deliver: (bytes: Uint8Array, from: S, maxBytes: number) => void;
  readonly #now: () => number;

  constructor(
    key: (from: S) => string,
    deliver: (bytes: Uint8Array, from: S, maxBytes: number) => void,
    now: () => number = () => performance.now(),
  ) {
    this.#key = key;
    this.#deliver = deliver;
    this.#now = now;
  }

  /** A data packet (at most `MAX_EVENT_BYTES`), possibly a stream's marker. */
  packet(bytes: Uint8Array, from: S): void {
    const key = this.#key(from);
    const id = markerStreamId(bytes);
    if (id !== null) {
      if (this.#delivered.has(id)) return; // its stream came long before it and went out already
      const early = this.#early.get(id);
      this.#early.delete(id);
      this.#queue(key).push(
        early
          ? { from, bytes: early, maxBytes: MAX_STREAM_EVENT_BYTES }
          : {
              from,
              bytes: null,
              maxBytes: MAX_STREAM_EVENT_BYTES,
              streamId: id,
              deadline: this.#now() + STREAM_WAIT_MS,
            },
      );
      if (!early)
        setTimeout(() => {
          this.#flush(key);
        }, STREAM_WAIT_MS + 1);
      this.#flush(key);
      return;
    }
    const q = this.#queues.get(key);
    if (!q || q.length === 0) this.#deliver(bytes, from, MAX_EVENT_BYTES);
    else {
      q.push({ from, bytes, maxBytes: MAX_EVENT_BYTES });
      this.#flush(key);
    }
  }

  /** A text stream began (`streamId` from its header); it is read now and delivered at its marker's place. */
  stream(reader: AsyncIterable<string>, from: S, streamId: string): void {
    const key = this.#key(from);
    void readStreamEvent(reader, MAX_STREAM_EVENT_BYTES)
      .catch(() => new Uint8Array(0))
      .then((bytes) => {
        const slot = this.#queues.get(key)?.find((s) => s.streamId === streamId && s.bytes === null);
        if (slot) {
          slot.bytes = bytes;
          this.#flush(key);
        } else if (bytes.byteLength > 0) {
          // No marker yet: an older peer (deliver now), or the marker is still on its way (keep it briefly).
          this.#early.set(streamId, bytes);
          setTimeout(() => {
            const early = this.#early.get(streamId);
            if (!early) return;
            this.#early.delete(streamId);
            this.#delivered.add(streamId);
            if (this.#delivered.size > 64) this.#delivered.delete(this.#delivered.values().next().value ?? '');
            this.#deliver(early, from, MAX_STREAM_EVENT_BYTES);
          }, 0);
        }
      });
  }

  #queue(key: string): Slot<S>[] {
    let q = this.#queues.get(key);
    if (!q) {
      q = [];
      this.#queues.set(key, q);
    }
    return q;
  }

  #flush(key: string): void {
    const q = this.#queues.get(key);
    if (!q) return;
    const now = this.#now();
    while (q.length > 0) {
      const head = q[0];
      if (!head) break;
      if (head.bytes === null && (head.deadline ?? Infinity) > now) break;
      q.shift();
      if (head.bytes && head.bytes.byteLength > 0) this.#deliver(head.bytes, head.from, head.maxBytes);
    }
    if (q.length === 0) this.#queues.delete(key);
  }
}
