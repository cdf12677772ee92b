/**
 * Events of any size on LiveKit. An event up to `MAX_EVENT_BYTES` goes as one reliable data packet; a
 * larger one (a long transcript, a conversation handed over, big instructions) goes as a LiveKit text
 * stream on the same topic (`sendText` / `registerTextStreamHandler`, both in livekit-client and
 * rtc-node), read up to `MAX_STREAM_EVENT_BYTES`. Order is kept: a stream and the packets after it travel
 * on the same reliable channel, and the outbox does not start a send before the previous one finished.
 * Shared by the SDK and the agent (no LiveKit import here: the carriers are passed in).
 */
import { MAX_EVENT_BYTES } from '../protocol/codec.ts';

/** How one encoded event leaves: as a data packet, or as a text stream (both to the same recipients). */
export interface EventCarriers {
  packet(bytes: Uint8Array<ArrayBuffer>): Promise<void>;
  stream(text: string): Promise<unknown>;
}

/** Which carrier an event of this size takes. */
export const carrierFor = (byteLength: number): 'packet' | 'stream' =>
  byteLength <= MAX_EVENT_BYTES ? 'packet' : 'stream';

const decoder = new TextDecoder();

/**
 * Sends encoded events in order over the right carrier. A send waits for the previous one only when that
 * one was a stream (packets are handed to the data channel at once and keep their order by themselves).
 */
export class EventOutbox {
  #streaming: Promise<unknown> = Promise.resolve();
  #streams = 0;

  /** Streams sent so far (events over one packet). */
  get streams(): number {
    return this.#streams;
  }

  async send(bytes: Uint8Array<ArrayBuffer>, carriers: EventCarriers): Promise<void> {
    const previous = this.#streaming;
    if (carrierFor(bytes.byteLength) === 'packet') {
      await previous.catch(() => undefined);
      await carriers.packet(bytes);
      return;
    }
    this.#streams++;
    const sending = previous.catch(() => undefined).then(() => carriers.stream(decoder.decode(bytes)));
    this.#streaming = sending;
    await sending;
  }
}

const encoder = new TextEncoder();

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
