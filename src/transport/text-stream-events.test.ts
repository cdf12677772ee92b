import { describe, expect, it } from 'vitest';
import { MAX_EVENT_BYTES } from '../protocol/codec.ts';
import { carrierFor, EventInbox, EventOutbox, markerStreamId, readStreamEvent } from './text-stream-events.ts';

const sized = (n: number): Uint8Array<ArrayBuffer> =>
  new TextEncoder().encode(JSON.stringify({ type: 'x', p: 'a'.repeat(n - 19) }));
const enc = (t: string): Uint8Array => new TextEncoder().encode(t);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

async function* chunks(parts: string[], gate: Promise<void> = Promise.resolve()): AsyncGenerator<string> {
  for (const [i, p] of parts.entries()) {
    if (i > 0) await gate;
    yield await Promise.resolve(p);
  }
}

describe('text-stream events', () => {
  it('sends up to one packet as a packet, anything larger as a stream', () => {
    expect(carrierFor(MAX_EVENT_BYTES)).toBe('packet');
    expect(carrierFor(MAX_EVENT_BYTES + 1)).toBe('stream');
  });

  it('announces a stream with a marker and keeps order: packets after a stream wait for it', async () => {
    const out = new EventOutbox();
    const log: string[] = [];
    let finish = (): void => undefined;
    let streamId = '';
    const carriers = {
      packet: (b: Uint8Array): Promise<void> => {
        const id = markerStreamId(b);
        log.push(id === null ? `packet ${String(b.byteLength)}` : 'marker');
        return Promise.resolve();
      },
      stream: (t: string, id: string): Promise<void> =>
        new Promise<void>((r) => {
          log.push(`stream ${String(t.length)}`);
          streamId = id;
          finish = r;
        }),
    };
    const a = out.send(sized(100), carriers);
    const b = out.send(sized(40_000), carriers);
    const c = out.send(sized(200), carriers);
    await a;
    await tick();
    expect(log).toEqual(['packet 100', 'marker', 'stream 40000']);
    expect(streamId).toMatch(/^sotto-/);
    finish();
    await Promise.all([b, c]);
    expect(log).toEqual(['packet 100', 'marker', 'stream 40000', 'packet 200']);
    expect(out.streams).toBe(1);
  });

  it('reads a stream whole, and stops early on one over the limit', async () => {
    expect(dec(await readStreamEvent(chunks(['{"type":', '"x"}']), 100))).toBe('{"type":"x"}');
    expect((await readStreamEvent(chunks(['a'.repeat(60), 'b'.repeat(60)]), 100)).byteLength).toBe(101);
  });

  it("puts a stream at its marker and holds the sender's later packets; other senders go on", async () => {
    const got: string[] = [];
    const inbox = new EventInbox<string>(
      (s) => s,
      (b, from) => got.push(`${from}:${dec(b)}`),
    );
    let release = (): void => undefined;
    const gate = new Promise<void>((r) => (release = r));
    inbox.packet(enc('p1'), 'agent');
    inbox.packet(enc('{"type":"sotto.stream","sotto:stream_id":"s1"}'), 'agent');
    inbox.packet(enc('p2'), 'agent');
    inbox.packet(enc('x1'), 'other');
    inbox.stream(chunks(['big', '!'], gate), 'agent', 's1'); // reported after the packets behind it
    await tick();
    expect(got).toEqual(['agent:p1', 'other:x1']);
    release();
    await tick();
    expect(got).toEqual(['agent:p1', 'other:x1', 'agent:big!', 'agent:p2']);
  });

  it('a stream read before its marker arrived goes at the marker; one without a marker goes when read', async () => {
    const got: string[] = [];
    const inbox = new EventInbox<string>(
      (s) => s,
      (b) => got.push(dec(b)),
    );
    inbox.stream(chunks(['early']), 'a', 's2');
    await Promise.resolve();
    await Promise.resolve();
    await Promise.resolve();
    inbox.packet(enc('{"type":"sotto.stream","sotto:stream_id":"s2"}'), 'a');
    inbox.packet(enc('after'), 'a');
    await tick();
    expect(got.slice(0, 2)).toEqual(['early', 'after']);
    inbox.stream(chunks(['old peer']), 'a', 's3');
    await tick();
    expect(got).toEqual(['early', 'after', 'old peer']);
  });
});
