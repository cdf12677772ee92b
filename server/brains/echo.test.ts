import { describe, expect, it } from 'vitest';
import { EchoBrain } from './echo.ts';

async function collect(it: AsyncIterable<Int16Array>): Promise<Int16Array[]> {
  const out: Int16Array[] = [];
  for await (const c of it) out.push(c);
  return out;
}

describe('EchoBrain', () => {
  it('replies with a chirp followed by the user audio, in 20 ms chunks', async () => {
    const brain = new EchoBrain(48_000);
    const pcm = Int16Array.from({ length: 48_000 }, (_, i) => (i % 100) - 50);
    const chunks = await collect(brain.reply({ itemId: 'i', pcm, sampleRate: 48_000 }, new AbortController().signal));
    const total = chunks.reduce((n, c) => n + c.length, 0);
    expect(total).toBe(48_000 + 5_760); // 1 s of input + 120 ms chirp
    expect(chunks.slice(0, -1).every((c) => c.length === 960)).toBe(true);
    const joined = new Int16Array(total);
    let at = 0;
    for (const c of chunks) {
      joined.set(c, at);
      at += c.length;
    }
    expect(Array.from(joined.subarray(5_760, 5_860))).toEqual(Array.from(pcm.subarray(0, 100)));
    expect(Math.max(...joined.subarray(0, 5_760))).toBeGreaterThan(8_000);
  });

  it('stops when aborted', async () => {
    const brain = new EchoBrain(48_000);
    const ac = new AbortController();
    const out: Int16Array[] = [];
    for await (const c of brain.reply({ itemId: 'i', pcm: new Int16Array(48_000), sampleRate: 48_000 }, ac.signal)) {
      out.push(c);
      if (out.length === 3) ac.abort();
    }
    expect(out.length).toBe(3);
  });
});
