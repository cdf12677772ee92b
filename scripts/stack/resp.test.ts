import { describe, expect, it } from 'vitest';
import { encodeCommand, pairsToMap, parseReply, RespError } from './resp.ts';

describe('RESP', () => {
  it('encodes a command as an array of bulk strings (lengths in bytes)', () => {
    expect(encodeCommand(['HGET', 'room_node_map', 'r-é']).toString()).toBe(
      '*3\r\n$4\r\nHGET\r\n$13\r\nroom_node_map\r\n$4\r\nr-é\r\n',
    );
  });

  it('parses status, error, integer, bulk, nil and nested arrays, and reports where the reply ends', () => {
    expect(parseReply(Buffer.from('+PONG\r\nextra'))).toEqual({ value: 'PONG', end: 7 });
    const err = parseReply(Buffer.from('-ERR unknown\r\n'))?.value;
    expect(err).toBeInstanceOf(RespError);
    expect((err as RespError).message).toBe('ERR unknown');
    expect(parseReply(Buffer.from(':42\r\n'))?.value).toBe(42);
    expect(parseReply(Buffer.from('$-1\r\n'))?.value).toBeNull();
    expect(parseReply(Buffer.from('$5\r\nhe\r\no\r\n'))?.value).toBe('he\r\no');
    expect(parseReply(Buffer.from('*2\r\n$1\r\na\r\n*1\r\n:7\r\n'))?.value).toEqual(['a', [7]]);
  });

  it('returns null for a reply that has not fully arrived, at every cut', () => {
    const whole = Buffer.from('*2\r\n$3\r\nr-1\r\n$14\r\nND_abcdefghijk\r\n');
    for (let cut = 0; cut < whole.length; cut++) expect(parseReply(whole.subarray(0, cut))).toBeNull();
    expect(parseReply(whole)?.end).toBe(whole.length);
  });

  it('refuses bytes that are not RESP', () => {
    expect(() => parseReply(Buffer.from('HTTP/1.1 400\r\n'))).toThrow(RespError);
  });

  it('reads an HGETALL reply as a map', () => {
    const r = parseReply(Buffer.from('*4\r\n$2\r\nr1\r\n$4\r\nND_a\r\n$2\r\nr2\r\n$4\r\nND_b\r\n'));
    expect([...pairsToMap(r?.value ?? null)]).toEqual([
      ['r1', 'ND_a'],
      ['r2', 'ND_b'],
    ]);
  });
});
