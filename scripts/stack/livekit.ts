/** Starts livekit-server on loopback with a generated key pair, and waits until it answers HTTP. */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { livekitBinaryPath } from '../tools.mjs';
import { StackError } from './ports.ts';
import { startChild, tailLog, type ChildHandle } from './processes.ts';

export interface LivekitOptions {
  root: string;
  runDir: string;
  /** HTTP/WebSocket port (signal). */
  port: number;
  /** Single UDP port for WebRTC media (ICE/UDP mux). */
  rtcPort: number;
  echo?: boolean;
  /** Reuse these keys (e.g. to restart a server that clients and agents already hold tokens for). */
  keys?: { apiKey: string; apiSecret: string };
  /** Multi-node mode: the nodes of one cluster share this Redis (`host:port`) for routing and room state. */
  cluster?: ClusterNodeOptions;
}

/** What makes a node part of a cluster (see docs/scale.md, "Cluster"). */
export interface ClusterNodeOptions {
  /** Redis address, `127.0.0.1:PORT`. */
  redisAddress: string;
  /** A label for this node (LiveKit's `region`, recorded with the node in Redis and in its start log). */
  region: string;
}

export interface LivekitHandle extends ChildHandle {
  url: string;
  apiKey: string;
  apiSecret: string;
}

/**
 * The loopback-only config: binds 127.0.0.1, advertises 127.0.0.1, no TCP ICE, no STUN look-ups. It holds
 * no key: the key pair reaches the server in its environment (`LIVEKIT_KEYS`), so the secret is never
 * written to disk where a file server could hand it out.
 */
export function livekitConfig(port: number, rtcPort: number, cluster?: ClusterNodeOptions): string {
  return [
    `port: ${port}`,
    ...(cluster
      ? [
          `redis: { address: '${cluster.redisAddress}' }`,
          `region: ${cluster.region}`,
          // A new room goes to the node with the fewest rooms (LiveKit's default picks one at random).
          'node_selector: { kind: any, sort_by: rooms, algorithm: lowest }',
        ]
      : []),
    'bind_addresses: [127.0.0.1]',
    'rtc:',
    `  udp_port: ${rtcPort}`,
    '  tcp_port: 0',
    '  node_ip: 127.0.0.1',
    '  use_external_ip: false',
    '  enable_loopback_candidate: true',
    'logging:',
    '  level: info',
    '',
  ].join('\n');
}

export async function waitForHttp(url: string, timeoutMs: number, exited?: Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const state: { gone: string | null } = { gone: null };
  void exited?.then((why) => {
    state.gone = why;
  });
  while (Date.now() < deadline) {
    if (state.gone !== null) throw new StackError(`process exited (${state.gone}) before ${url} answered`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new StackError(`${url} did not answer within ${timeoutMs} ms`);
}

export async function startLivekit(opts: LivekitOptions): Promise<LivekitHandle> {
  const bin = livekitBinaryPath(opts.root);
  if (!bin) throw new StackError('livekit-server not found: run `npm run setup` (it builds it with go install).');
  const apiKey = opts.keys?.apiKey ?? `sotto${randomBytes(4).toString('hex')}`;
  const apiSecret = opts.keys?.apiSecret ?? randomBytes(24).toString('hex');
  mkdirSync(opts.runDir, { recursive: true, mode: 0o700 });
  const configPath = join(opts.runDir, 'livekit.yaml');
  writeFileSync(configPath, livekitConfig(opts.port, opts.rtcPort, opts.cluster), { mode: 0o600 });
  const child = startChild({
    name: 'livekit',
    command: bin,
    args: ['--config', configPath],
    // The environment, not argv (argv is world-readable in `ps`) and not a file.
    env: { ...process.env, LIVEKIT_KEYS: `${apiKey}: ${apiSecret}` },
    runDir: opts.runDir,
    echo: opts.echo ?? false,
  });
  try {
    await waitForHttp(`http://127.0.0.1:${opts.port}/`, 15_000, child.exited);
  } catch (e) {
    await child.stop();
    throw new StackError(`livekit-server did not start: ${(e as Error).message}\n${tailLog(opts.runDir, 'livekit')}`);
  }
  return { ...child, url: `ws://127.0.0.1:${opts.port}`, apiKey, apiSecret };
}
