/**
 * Starts Sotto's OpenAI-compatible endpoint (server/realtime-main.ts, from sources through tsx: one
 * process, so the loader costs once) and waits until its brain is loaded. With `tls`, it also serves
 * `wss://` with a self-signed certificate for 127.0.0.1/localhost made by {@link localTlsCert}.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { whichSync } from '../tools.mjs';
import { waitForHttp } from './livekit.ts';
import { StackError } from './ports.ts';
import { startChild, tailLog, type ChildHandle } from './processes.ts';

export interface RealtimeOptions {
  root: string;
  runDir: string;
  port: number;
  brain?: string;
  /** The key clients must present (`SOTTO_API_KEY`); none: loopback clients only, any key. */
  apiKey?: string;
  /** Serve `wss://` too, with a certificate from {@link localTlsCert} in `runDir`. */
  tls?: boolean;
  /** More environment for the process (e.g. `SOTTO_REALTIME_TURN_DETECTION`). */
  env?: Record<string, string>;
  echo?: boolean;
}

export interface RealtimeHandle extends ChildHandle {
  /** `ws://127.0.0.1:<port>/v1/realtime`. */
  url: string;
  /** `wss://127.0.0.1:<port>/v1/realtime`, when started with `tls`. */
  tlsUrl: string | null;
  /** `http://127.0.0.1:<port>/v1/realtime/calls` (WebRTC: POST an SDP offer). */
  callsUrl: string;
  /** The certificate clients must trust for `wss://` (PEM file), when started with `tls`. */
  certPath: string | null;
}

export interface LocalCert {
  certPath: string;
  keyPath: string;
}

/** A certificate made here is made again when it has less than this left, in ms (a day). */
const CERT_MARGIN_MS = 24 * 3600 * 1000;

/** True when `certPath` holds a certificate valid for at least {@link CERT_MARGIN_MS} more. */
function stillValid(certPath: string): boolean {
  try {
    return Date.parse(new X509Certificate(readFileSync(certPath)).validTo) - Date.now() > CERT_MARGIN_MS;
  } catch {
    return false;
  }
}

/**
 * A self-signed certificate for 127.0.0.1 and localhost (EC P-256, valid 30 days) in `dir`, made with
 * the `openssl` command and reused until a day before it expires. Clients trust it by its file (`ca` in
 * Node's TLS options, or `NODE_EXTRA_CA_CERTS=<certPath>` for a whole Node process).
 */
export function localTlsCert(dir: string): LocalCert {
  const certPath = join(dir, 'realtime-cert.pem');
  const keyPath = join(dir, 'realtime-key.pem');
  if (existsSync(keyPath) && stillValid(certPath)) return { certPath, keyPath };
  const openssl = whichSync('openssl');
  if (!openssl)
    throw new StackError('openssl not found: it makes the local certificate for wss:// (apt-get install openssl)');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // prettier-ignore
  execFileSync(openssl, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', keyPath, '-out', certPath,
  ], { stdio: 'ignore' });
  return { certPath, keyPath };
}

export async function startRealtime(opts: RealtimeOptions): Promise<RealtimeHandle> {
  const cert = opts.tls ? localTlsCert(opts.runDir) : null;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SOTTO_BRAIN: opts.brain ?? 'echo',
    SOTTO_REALTIME_HOST: '127.0.0.1',
    SOTTO_REALTIME_PORT: String(opts.port),
    ...(opts.env ?? {}),
  };
  delete env.SOTTO_API_KEY;
  delete env.SOTTO_REALTIME_TLS_CERT;
  delete env.SOTTO_REALTIME_TLS_KEY;
  if (opts.apiKey !== undefined) env.SOTTO_API_KEY = opts.apiKey;
  if (cert) {
    env.SOTTO_REALTIME_TLS_CERT = cert.certPath;
    env.SOTTO_REALTIME_TLS_KEY = cert.keyPath;
  }
  const child = startChild({
    name: 'realtime',
    command: process.execPath,
    args: ['--import', 'tsx', join(opts.root, 'server', 'realtime-main.ts')],
    cwd: opts.root,
    env,
    runDir: opts.runDir,
    echo: opts.echo ?? false,
  });
  try {
    // /healthz answers 200 once the brain is loaded.
    await waitForHttp(`http://127.0.0.1:${String(opts.port)}/healthz`, 60_000, child.exited);
  } catch (e) {
    await child.stop();
    throw new StackError(
      `realtime endpoint did not start: ${(e as Error).message}\n${tailLog(opts.runDir, 'realtime')}`,
    );
  }
  const path = `127.0.0.1:${String(opts.port)}/v1/realtime`;
  return {
    ...child,
    url: `ws://${path}`,
    tlsUrl: cert ? `wss://${path}` : null,
    callsUrl: `http://${path}/calls`,
    certPath: cert?.certPath ?? null,
  };
}
