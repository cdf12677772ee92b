import { describe, expect, it } from 'vitest';
import { TypedEmitter } from './events.ts';

interface Events {
  ping: number;
  pong: string;
}

class Emitter extends TypedEmitter<Events> {
  fire<K extends keyof Events>(k: K, v: Events[K]): void {
    this.emit(k, v);
  }
}

describe('TypedEmitter', () => {
  it('delivers payloads to listeners until they are removed', () => {
    const e = new Emitter();
    const got: number[] = [];
    const off = e.on('ping', (n) => got.push(n));
    e.fire('ping', 1);
    e.fire('pong', 'x');
    off();
    e.fire('ping', 2);
    expect(got).toEqual([1]);
  });

  it('once() fires a single time', () => {
    const e = new Emitter();
    const got: string[] = [];
    e.once('pong', (s) => got.push(s));
    e.fire('pong', 'a');
    e.fire('pong', 'b');
    expect(got).toEqual(['a']);
  });

  it('next() resolves with the next payload and rejects on timeout', async () => {
    const e = new Emitter();
    const p = e.next('ping');
    e.fire('ping', 42);
    await expect(p).resolves.toBe(42);
    await expect(e.next('pong', 10)).rejects.toThrow(/timed out/);
  });
});
