/**
 * Opens a browser WebSocket to a Realtime endpoint the way OpenAI documents for browsers: the key in the
 * `openai-insecure-api-key.<key>` subprotocol beside `realtime` (a browser cannot set an Authorization
 * header), as `@openai/agents-realtime` does. Resolves once open; rejects with a SottoError.
 */
import { SottoError } from '../../errors.ts';

/** The subprotocols offered: `realtime`, and the key when there is one. */
export function realtimeProtocols(key: string | null): string[] {
  return key === null ? ['realtime'] : ['realtime', `openai-insecure-api-key.${key}`];
}

/** Constructs a WebSocket (tests pass a fake). */
export type SocketFactory = (url: string, protocols: string[]) => WebSocket;

export const browserSocket: SocketFactory = (url, protocols) => new WebSocket(url, protocols);

/**
 * The socket once open. A failure before open is `server_unreachable` (a browser does not tell a refused
 * key's 401 from a dead server: both are close code 1006), `connect_timeout` after `timeoutMs`;
 * `signal` aborts the attempt (the transport closed).
 */
export function openSocket(
  factory: SocketFactory,
  url: string,
  key: string | null,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    let ws: WebSocket;
    try {
      ws = factory(url, realtimeProtocols(key));
    } catch (e) {
      reject(new SottoError('server_unreachable', `could not open ${url}: ${String(e)}`, { cause: e }));
      return;
    }
    const done = (err: SottoError | null): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      ws.onopen = null;
      ws.onerror = null;
      ws.onclose = null;
      if (err === null) {
        resolve(ws);
        return;
      }
      ws.close();
      reject(err);
    };
    const onAbort = (): void => {
      done(new SottoError('not_connected', 'the transport was closed while connecting'));
    };
    const timer = setTimeout(() => {
      done(new SottoError('connect_timeout', `no WebSocket to ${url} after ${String(timeoutMs)} ms`));
    }, timeoutMs);
    signal.addEventListener('abort', onAbort);
    ws.onopen = () => {
      done(null);
    };
    ws.onerror = () => {
      done(new SottoError('server_unreachable', `the WebSocket to ${url} failed (server down, or the key refused)`));
    };
    ws.onclose = (e) => {
      done(
        new SottoError(
          'server_unreachable',
          `the WebSocket to ${url} closed before it opened (code ${String(e.code)})`,
        ),
      );
    };
  });
}
