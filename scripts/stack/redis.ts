/**
 * Debian's `redis-server` for a local LiveKit cluster: loopback only, no persistence (the cluster's
 * routing state is rebuilt by the nodes on start), in the run directory. Plus `redisCommand`, one
 * command over a fresh connection, for readiness and for tests that read what LiveKit stored.
 */
import { createConnection } from 'node:net';
import { whichSync } from '../tools.mjs';
import { StackError } from './ports.ts';
import { startChild, tailLog, type ChildHandle } from './processes.ts';
import { encodeCommand, parseReply, RespError, type RespValue } from './resp.ts';

export interface RedisHandle extends ChildHandle {
  /** `127.0.0.1:PORT`, as livekit-server's `redis.address` wants it. */
  address: string;
  port: number;
}

/** Sends one command to Redis on 127.0.0.1:`port` and resolves with its reply (rejects on an error reply). */
export function redisCommand(port: number, args: readonly string[], timeoutMs = 5_000): Promise<RespValue> {
  return new Promise((resolve, reject) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    const fail = (e: Error): void => {
      sock.destroy();
      reject(e);
    };
    sock.setTimeout(timeoutMs, () => {
      fail(
        new StackError(`redis on port ${String(port)} did not answer ${args[0] ?? ''} within ${String(timeoutMs)} ms`),
      );
    });
    sock.once('error', fail);
    sock.on('connect', () => sock.write(encodeCommand(args)));
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      try {
        const r = parseReply(buf);
        if (!r) return;
        sock.end();
        if (r.value instanceof RespError) reject(r.value);
        else resolve(r.value);
      } catch (e) {
        fail(e as Error);
      }
    });
  });
}

export async function startRedis(opts: { runDir: string; port: number; echo?: boolean }): Promise<RedisHandle> {
  const bin = whichSync('redis-server');
  if (!bin) throw new StackError("redis-server not found: run `npm run setup` (it installs Debian's redis-server).");
  const child = startChild({
    name: 'redis',
    command: bin,
    // Config as arguments: loopback, this port, nothing written to disk.
    args: [
      '--bind',
      '127.0.0.1',
      '--port',
      String(opts.port),
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      opts.runDir,
    ],
    runDir: opts.runDir,
    echo: opts.echo ?? false,
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      if ((await redisCommand(opts.port, ['PING'], 1_000)) === 'PONG') break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      await child.stop();
      throw new StackError(
        `redis-server did not answer PING on port ${String(opts.port)}\n${tailLog(opts.runDir, 'redis')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { ...child, address: `127.0.0.1:${String(opts.port)}`, port: opts.port };
}
