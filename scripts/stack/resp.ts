/**
 * The few bits of Redis's wire protocol (RESP2) the cluster tooling needs: encode a command, parse one
 * reply. Pure; `redis.ts` does the I/O. Enough to ask a test cluster's Redis what LiveKit stored in it
 * (`HGETALL room_node_map`), not a general client.
 */

/** A parsed reply: a status or bulk string, an integer, null (nil), an array, or an error reply. */
export type RespValue = string | number | null | RespValue[] | RespError;

/** An error reply (`-ERR ...`). */
export class RespError extends Error {
  override readonly name = 'RespError';
}

/** `args` as a RESP array of bulk strings. */
export function encodeCommand(args: readonly string[]): Buffer {
  const parts = [`*${String(args.length)}\r\n`];
  for (const a of args) parts.push(`$${String(Buffer.byteLength(a))}\r\n${a}\r\n`);
  return Buffer.from(parts.join(''));
}

/**
 * Parses one reply from the start of `buf`. Returns the value and the bytes it used, or null when `buf`
 * does not hold a whole reply yet. Throws a RespError on bytes that are not RESP.
 */
export function parseReply(buf: Buffer, at = 0): { value: RespValue; end: number } | null {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return null;
  const kind = String.fromCharCode(buf[at] ?? 0);
  const line = buf.toString('utf8', at + 1, eol);
  const next = eol + 2;
  switch (kind) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new RespError(line), end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      if (buf.length < next + n + 2) return null;
      return { value: buf.toString('utf8', next, next + n), end: next + n + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        const item = parseReply(buf, pos);
        if (!item) return null;
        items.push(item.value);
        pos = item.end;
      }
      return { value: items, end: pos };
    }
    default:
      throw new RespError(`not a RESP reply (starts with ${JSON.stringify(kind)})`);
  }
}

/** A flat `[k1, v1, k2, v2, ...]` reply (HGETALL) as a map. */
export function pairsToMap(value: RespValue): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(value)) return out;
  for (let i = 0; i + 1 < value.length; i += 2) {
    const k = value[i];
    const v = value[i + 1];
    if (typeof k === 'string' && typeof v === 'string') out.set(k, v);
  }
  return out;
}
