/**
 * The OpenAI-compatible WebSocket endpoint: `GET /v1/realtime?model=...` upgraded to a WebSocket speaking
 * the Realtime GA protocol, one {@link RealtimeWsConnection} (one `RealtimeSession`) per socket.
 * `GET /healthz` answers 200 once the brain is loaded. With a TLS certificate configured, `ws://` and
 * `wss://` are served on the same port (the first byte of a connection tells a TLS handshake apart).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { SERVER_VAD_DEFAULTS, type TurnDetection } from '../../src/protocol/index.ts';
import type { Brain } from '../brains/index.ts';
import type { SpeechModel } from '../vad/silero-model.ts';
import { CALLS_PATH, CallsEndpoint } from '../realtime-webrtc/calls-endpoint.ts';
import { allowedOrigin, corsHeaders } from '../realtime-webrtc/cors.ts';
import { authorize, chosenProtocol, offeredProtocols, presentedKey, type AuthResult } from './auth.ts';
import type { RealtimeServerConfig } from './config.ts';
import { MAX_WS_EVENT_BYTES, RealtimeWsConnection, type Logger } from './connection.ts';

export const REALTIME_PATH = '/v1/realtime';
/** First byte of a TLS handshake record. */
const TLS_HANDSHAKE = 0x16;

export interface RealtimeWsServerOptions {
  config: RealtimeServerConfig;
  brain: Promise<Brain>;
  loadVadModel: () => Promise<SpeechModel>;
  log: Logger;
  /**
   * How often each socket is pinged, in ms; a socket that has not answered the previous ping by the next
   * one is closed (a peer that vanished without closing). Default 30000.
   */
  pingIntervalMs?: number;
}

interface Served {
  /** Resolves when the socket closed (and its session with it). */
  closed: Promise<void>;
  /** A pong came since the last ping. */
  alive: boolean;
}

export class RealtimeWsServer {
  readonly #o: RealtimeWsServerOptions;
  readonly #wss: WebSocketServer;
  readonly #http: Server;
  readonly #https: Server | null;
  /** The listening socket: the plain HTTP server, or a byte-sniffing front for both. */
  readonly #front: NetServer;
  /** Open sockets. */
  readonly #sockets = new Map<WebSocket, Served>();
  /** Upgrades accepted and not yet open (they count against `maxSessions` too). */
  #upgrading = 0;
  readonly #heartbeat: ReturnType<typeof setInterval>;
  /** `POST /v1/realtime/calls`: the same sessions over WebRTC. */
  readonly #calls: CallsEndpoint;
  #brainReady = false;

  constructor(opts: RealtimeWsServerOptions) {
    this.#o = opts;
    void opts.brain.then(
      () => {
        this.#brainReady = true;
      },
      () => undefined,
    );
    this.#calls = new CallsEndpoint({
      brain: opts.brain,
      log: opts.log,
      loadVadModel: opts.loadVadModel,
      turnDetection: () => this.#initialTurnDetection(),
      rtcPorts: opts.config.rtcPorts,
    });
    this.#heartbeat = setInterval(() => {
      this.#ping();
    }, opts.pingIntervalMs ?? 30_000);
    this.#heartbeat.unref();
    this.#wss = new WebSocketServer({
      noServer: true,
      // Above the session's own limit, so an oversized event gets a typed `error` instead of a dropped socket.
      maxPayload: MAX_WS_EVENT_BYTES + 64 * 1024,
      perMessageDeflate: false,
      handleProtocols: (protocols) => chosenProtocol(protocols),
    });
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      this.#onRequest(req, res);
    };
    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
      this.#onUpgrade(req, socket, head);
    };
    this.#http = createHttpServer(onRequest).on('upgrade', onUpgrade);
    const tls = opts.config.tls;
    this.#https = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, onRequest).on('upgrade', onUpgrade) : null;
    const https = this.#https;
    if (!https) {
      this.#front = this.#http;
    } else {
      const http = this.#http;
      this.#front = createNetServer((socket: Socket) => {
        socket.once('data', (first: Buffer) => {
          socket.pause();
          socket.unshift(first);
          (first[0] === TLS_HANDSHAKE ? https : http).emit('connection', socket);
          process.nextTick(() => socket.resume());
        });
      });
    }
  }

  /** Starts listening; resolves with the port (the configured one, or the free one picked for 0). */
  listen(): Promise<number> {
    const { host, port } = this.#o.config;
    return new Promise((resolve, reject) => {
      const server = this.#front;
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  /** Sessions open now (WebSocket and WebRTC). */
  get sessions(): number {
    return this.#sockets.size + this.#calls.count;
  }

  /** Closes every session (`1001 going away`) and stops listening. */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    this.#calls.closeAll();
    for (const ws of this.#sockets.keys()) ws.close(1001, 'server shutting down');
    await Promise.race([
      Promise.all([...this.#sockets.values()].map((s) => s.closed)),
      new Promise((r) => setTimeout(r, 2000).unref()),
    ]);
    this.#wss.close();
    this.#http.closeAllConnections();
    this.#https?.closeAllConnections();
    // Upgraded sockets have closed above; a client that never finished its handshake is not waited for.
    await Promise.race([
      new Promise<void>((resolve) => {
        this.#front.close(() => {
          resolve();
        });
      }),
      new Promise((r) => setTimeout(r, 2000).unref()),
    ]);
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith(CALLS_PATH)) {
      // Browsers post the offer cross-origin (a page on another port or host): CORS, preflight first.
      const origin = allowedOrigin(req.headers.origin, this.#o.config.apiKey !== undefined);
      if (origin !== null) for (const [k, v] of Object.entries(corsHeaders(origin))) res.setHeader(k, v);
      if (req.method === 'OPTIONS') {
        res.writeHead(origin === null ? 403 : 204).end();
        return;
      }
    }
    if (this.#calls.handles(req.method, path)) {
      const auth = this.#authorize(req);
      if (!auth.ok) {
        json(res, auth.status, apiError('invalid_request_error', auth.code, auth.message));
        return;
      }
      if (path.endsWith('/calls') && this.#full()) {
        json(res, 503, apiError('invalid_request_error', 'server_busy', this.#busyMessage()));
        return;
      }
      void this.#calls.serve(req, res, path);
      return;
    }
    if (req.method === 'GET' && path === '/healthz') {
      json(res, this.#brainReady ? 200 : 503, { ok: this.#brainReady, sessions: this.#sockets.size });
      return;
    }
    if (path === REALTIME_PATH) {
      json(res, 426, apiError('invalid_request_error', 'upgrade_required', 'open this URL as a WebSocket'));
      return;
    }
    json(res, 404, apiError('invalid_request_error', 'not_found', `no route ${path}`));
  }

  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const refuse = (status: number, code: string, message: string): void => {
      refuseUpgrade(socket, status, apiError('invalid_request_error', code, message));
    };
    if (url.pathname !== REALTIME_PATH) {
      refuse(404, 'not_found', `no WebSocket endpoint at ${url.pathname}; use ${REALTIME_PATH}`);
      return;
    }
    if (url.searchParams.has('call_id')) {
      refuse(400, 'unsupported_value', 'call_id (a sideband connection to a WebRTC call) is not supported');
      return;
    }
    const auth = this.#authorize(req);
    if (!auth.ok) {
      this.#o.log('connection refused', { code: auth.code, peer: req.socket.remoteAddress });
      refuse(auth.status, auth.code, auth.message);
      return;
    }
    if (this.#full()) {
      refuse(503, 'server_busy', this.#busyMessage());
      return;
    }
    this.#upgrading++;
    let counted = true;
    const settle = (): void => {
      if (counted) this.#upgrading--;
      counted = false;
    };
    socket.once('close', settle);
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      socket.off('close', settle);
      settle();
      this.#serve(ws, url.searchParams.get('model'));
    });
  }

  /** The key a request presents (bearer token or key subprotocol), checked against the configured one. */
  #authorize(req: IncomingMessage): AuthResult {
    const protocols = offeredProtocols(req.headers['sec-websocket-protocol']);
    return authorize(presentedKey({ authorization: req.headers.authorization, protocols }), req.socket.remoteAddress, {
      apiKey: this.#o.config.apiKey,
    });
  }

  #full(): boolean {
    return this.#sockets.size + this.#upgrading + this.#calls.count >= this.#o.config.maxSessions;
  }

  #busyMessage(): string {
    return `this server serves ${String(this.#o.config.maxSessions)} sessions at once`;
  }

  #initialTurnDetection(): TurnDetection {
    return this.#o.config.turnDetection === 'server_vad' ? { type: 'server_vad', ...SERVER_VAD_DEFAULTS } : null;
  }

  /** Pings every socket; closes those that did not answer the previous ping. */
  #ping(): void {
    for (const [ws, served] of this.#sockets) {
      if (!served.alive) {
        this.#o.log('a client stopped answering pings; closing its socket');
        ws.terminate();
        continue;
      }
      served.alive = false;
      ws.ping();
    }
  }

  /** Binds one upgraded socket to a new connection (one session) until it closes. */
  #serve(ws: WebSocket, model: string | null): void {
    const conn = new RealtimeWsConnection(
      {
        get bufferedAmount() {
          return ws.bufferedAmount;
        },
        isOpen: () => ws.readyState === ws.OPEN,
        send: (text) => {
          ws.send(text);
        },
        close: (code, reason) => {
          ws.close(code, reason);
        },
      },
      {
        brain: this.#o.brain,
        log: this.#o.log,
        loadVadModel: this.#o.loadVadModel,
        turnDetection: this.#initialTurnDetection(),
        model,
      },
    );
    const served: Served = {
      alive: true,
      closed: new Promise<void>((resolve) => {
        ws.once('close', () => {
          conn.handleClose();
          this.#sockets.delete(ws);
          resolve();
        });
      }),
    };
    this.#sockets.set(ws, served);
    ws.on('pong', () => {
      served.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      conn.handleMessage(frameBytes(data), isBinary);
    });
    ws.on('error', (e) => {
      this.#o.log('websocket error', { error: e.message });
    });
  }
}

/** A frame's bytes, whatever shape `ws` delivered them in. */
function frameBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

interface ApiError {
  error: { type: string; code: string; message: string; param: null };
}

function apiError(type: string, code: string, message: string): ApiError {
  return { error: { type, code, message, param: null } };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Answers an upgrade request with a plain HTTP error (as OpenAI does for a bad key) and closes it. */
function refuseUpgrade(socket: Duplex, status: number, body: ApiError): void {
  const text = JSON.stringify(body);
  const reason = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    503: 'Service Unavailable',
  }[status];
  socket.end(
    `HTTP/1.1 ${String(status)} ${reason ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${String(
      Buffer.byteLength(text),
    )}\r\nConnection: close\r\n\r\n${text}`,
  );
}
