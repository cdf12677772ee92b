import { describe, expect, it } from 'vitest';
import { openSocket, realtimeProtocols } from './open-socket.ts';

/** A socket that does what the test says, when it says. */
class FakeSocket {
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  closed = false;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}
  close(): void {
    this.closed = true;
  }
}

function factory(): { make: (u: string, p: string[]) => WebSocket; made: FakeSocket[] } {
  const made: FakeSocket[] = [];
  return {
    made,
    make: (u, p) => {
      const s = new FakeSocket(u, p);
      made.push(s);
      return s as unknown as WebSocket;
    },
  };
}

describe('openSocket', () => {
  it('offers the key as OpenAI documents for browsers', () => {
    expect(realtimeProtocols('ek_abc')).toEqual(['realtime', 'openai-insecure-api-key.ek_abc']);
    expect(realtimeProtocols(null)).toEqual(['realtime']);
  });

  it('resolves on open', async () => {
    const f = factory();
    const p = openSocket(f.make, 'ws://h/v1/realtime', 'k', 1000, new AbortController().signal);
    f.made[0]?.onopen?.();
    expect(await p).toBe(f.made[0]);
    expect(f.made[0]?.protocols).toEqual(['realtime', 'openai-insecure-api-key.k']);
  });

  it('a close before open is server_unreachable; a slow one connect_timeout; an abort not_connected', async () => {
    const f = factory();
    const refused = openSocket(f.make, 'ws://h', 'k', 1000, new AbortController().signal);
    f.made[0]?.onclose?.({ code: 1006 });
    await expect(refused).rejects.toMatchObject({ code: 'server_unreachable' });
    await expect(openSocket(f.make, 'ws://h', 'k', 5, new AbortController().signal)).rejects.toMatchObject({
      code: 'connect_timeout',
    });
    expect(f.made[1]?.closed).toBe(true);
    const ac = new AbortController();
    const aborted = openSocket(f.make, 'ws://h', 'k', 1000, ac.signal);
    ac.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'not_connected' });
    const thrown = openSocket(
      () => {
        throw new SyntaxError('bad url');
      },
      'ws://h',
      null,
      1000,
      new AbortController().signal,
    );
    await expect(thrown).rejects.toMatchObject({ code: 'server_unreachable' });
  });
});
