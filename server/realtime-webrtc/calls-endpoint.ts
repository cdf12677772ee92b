/**
 * `POST /v1/realtime/calls` (OpenAI's WebRTC entry): the client posts its SDP offer (`application/sdp`, or
 * `multipart/form-data` with `sdp` and an optional `session` JSON), with its key as a bearer token, and
 * gets `201` with the SDP answer and `Location: /v1/realtime/calls/<id>`. `POST
 * /v1/realtime/calls/<id>/hangup` ends a call. `@roamhq/wrtc` is loaded on the first call only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TurnDetection } from '../../src/protocol/index.ts';
import type { Brain } from '../brains/index.ts';
import type { Logger } from '../realtime-ws/connection.ts';
import type { SpeechModel } from '../vad/silero-model.ts';
import { RealtimeCall, type Wrtc } from './call.ts';

export const CALLS_PATH = '/v1/realtime/calls';
/** Largest offer body accepted, in bytes (an SDP offer is a few KiB). */
const MAX_OFFER_BYTES = 256 * 1024;
const HANGUP = /^\/v1\/realtime\/calls\/([A-Za-z0-9_-]{1,64})\/hangup$/;

export interface CallsEndpointOptions {
  brain: Promise<Brain>;
  log: Logger;
  loadVadModel: () => Promise<SpeechModel>;
  turnDetection: () => TurnDetection;
  /** UDP ports for the calls' media (default any). */
  rtcPorts?: { min: number; max: number } | undefined;
  /** Loads the WebRTC stack (default: `import('@roamhq/wrtc')`). */
  loadWrtc?: () => Promise<Wrtc>;
}

/** A refusal as an OpenAI-style JSON error body. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export class CallsEndpoint {
  readonly #o: CallsEndpointOptions;
  readonly #calls = new Map<string, RealtimeCall>();
  #wrtc: Promise<Wrtc> | null = null;

  constructor(o: CallsEndpointOptions) {
    this.#o = o;
  }

  /** Calls in progress (answered and not yet ended). */
  get count(): number {
    return this.#calls.size;
  }

  /** True for the requests this endpoint serves. */
  handles(method: string | undefined, path: string): boolean {
    return method === 'POST' && (path === CALLS_PATH || HANGUP.test(path));
  }

  /** Serves one request (`handles()` said yes); refusals are JSON errors, never throws. */
  async serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    try {
      const hangup = HANGUP.exec(path);
      if (hangup) {
        const call = this.#calls.get(hangup[1] ?? '');
        if (!call) throw new HttpError(404, 'call_not_found', `no call ${hangup[1] ?? ''}`);
        call.close();
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      const { sdp, session } = await readOffer(req);
      const brain = await this.#o.brain;
      const wrtc = await this.#loadWrtc();
      let call: RealtimeCall | null = null;
      const answered = await RealtimeCall.answer(sdp, {
        wrtc,
        brain,
        log: this.#o.log,
        loadVadModel: this.#o.loadVadModel,
        turnDetection: this.#o.turnDetection(),
        rtcPorts: this.#o.rtcPorts,
        onClosed: () => {
          if (call) this.#calls.delete(call.id);
        },
      }).catch((e: unknown) => {
        throw new HttpError(
          400,
          'invalid_offer',
          `could not answer the offer: ${e instanceof Error ? e.message : String(e)}`,
        );
      });
      call = answered.call;
      this.#calls.set(call.id, call);
      if (session !== undefined) call.configure(session);
      this.#o.log('call answered', { call: call.id, session: call.session.id });
      res.writeHead(201, { 'content-type': 'application/sdp', location: `${CALLS_PATH}/${call.id}` }).end(answered.sdp);
    } catch (e) {
      const err = e instanceof HttpError ? e : new HttpError(500, 'server_error', String(e));
      if (!(e instanceof HttpError)) this.#o.log('call failed', { error: String(e) });
      if (res.headersSent) return;
      res.writeHead(err.status, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          error: { type: 'invalid_request_error', code: err.code, message: err.message, param: null },
        }),
      );
    }
  }

  /** Ends every call (server shutdown). */
  closeAll(): void {
    for (const call of [...this.#calls.values()]) call.close();
  }

  #loadWrtc(): Promise<Wrtc> {
    this.#wrtc ??= (this.#o.loadWrtc ?? defaultWrtc)().catch((e: unknown) => {
      this.#wrtc = null;
      throw new HttpError(503, 'webrtc_unavailable', `WebRTC is not available on this server: ${String(e)}`);
    });
    return this.#wrtc;
  }
}

async function defaultWrtc(): Promise<Wrtc> {
  const m = (await import('@roamhq/wrtc')) as unknown as { default?: Wrtc } & Wrtc;
  return m.default ?? m;
}

/** The offer's SDP and optional session config, from an `application/sdp` or a multipart body. */
async function readOffer(req: IncomingMessage): Promise<{ sdp: string; session?: unknown }> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const body = await readBody(req);
  if (type === 'application/sdp') return { sdp: body.toString('utf8') };
  if (type === 'multipart/form-data') {
    const form = await new Request('http://local/', {
      method: 'POST',
      headers: { 'content-type': req.headers['content-type'] ?? '' },
      body: new Uint8Array(body),
    })
      .formData()
      .catch(() => {
        throw new HttpError(400, 'invalid_request', 'the multipart body could not be read');
      });
    const sdp = form.get('sdp');
    if (typeof sdp !== 'string')
      throw new HttpError(400, 'missing_required_parameter', 'multipart field "sdp" is missing');
    const session = form.get('session');
    if (typeof session !== 'string') return { sdp };
    try {
      return { sdp, session: JSON.parse(session) as unknown };
    } catch {
      throw new HttpError(400, 'invalid_json', 'multipart field "session" is not JSON');
    }
  }
  throw new HttpError(415, 'unsupported_media_type', 'send the SDP offer as application/sdp or multipart/form-data');
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OFFER_BYTES) {
        reject(new HttpError(413, 'request_too_large', `the offer is over ${String(MAX_OFFER_BYTES)} bytes`));
        req.destroy();
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => {
      resolve(Buffer.concat(parts));
    });
    req.on('error', reject);
  });
}
