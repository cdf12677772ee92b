import { describe, expect, it } from 'vitest';
import { MAX_EVENT_BYTES } from '../protocol/codec.ts';
import { carrierFor, EventOutbox, readStreamEvent } from './text-stream-events.ts';

const sized = (n: number): Uint8Array<ArrayBuffer> =>
  new TextEncoder().encode(JSON.stringify({ type: 'x', p: 'a'.repeat(n - 19) }));

describe('text-stream events', () => {
  it('sends up to one packet as a packet, anything larger as a stream', () => {
    expect(carrierFor(MAX_EVENT_BYTES)).toBe('packet');
    expect(carrierFor(MAX_EVENT_BYTES + 1)).toBe('stream');
  });

  it('keeps order: packets after a stream wait for it', async () => {
    const out = new EventOutbox();
    const log: string[] = [];
    let finish = (): void => undefined;
    const carriers = {
      packet: (b: Uint8Array): Promise<void> => {
        log.push(`packet ${String(b.byteLength)}`);
        return Promise.resolve();
      },
      stream: (t: string): Promise<void> =>
        new Promise<void>((r) => {
          log.push(`stream ${String(t.length)}`);
          finish = r;
        }),
    };
    const a = out.send(sized(100), carriers);
    const b = out.send(sized(40_000), carriers);
    const c = out.send(sized(200), carriers);
    await a;
    await new Promise((r) => setTimeout(r, 5));
    expect(log).toEqual(['packet 100', 'stream 40000']);
    finish();
    await Promise.all([b, c]);
    expect(log).toEqual(['packet 100', 'stream 40000', 'packet 200']);
    expect(out.streams).toBe(1);
  });

  it('reads a stream whole, and stops early on one over the limit', async () => {
    async function* chunks(parts: string[]): AsyncGenerator<string> {
      for (const p of parts) yield await Promise.resolve(p);
    }
    expect(new TextDecoder().decode(await readStreamEvent(chunks(['{"type":', '"x"}']), 100))).toBe('{"type":"x"}');
    expect((await readStreamEvent(chunks(['a'.repeat(60), 'b'.repeat(60)]), 100)).byteLength).toBe(101);
  });
});
