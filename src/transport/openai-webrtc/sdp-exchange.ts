/**
 * OpenAI's WebRTC signalling: one HTTP request. The SDP offer is POSTed to `/v1/realtime/calls` as
 * `application/sdp` with `Authorization: Bearer <key>`; `201` carries the SDP answer and
 * `Location: /v1/realtime/calls/<call id>`. Failures become SottoErrors: a refused key (401/403)
 * `token_rejected`, no answer `server_unreachable`, anything else the server's message. `fetch` is passed
 * in (testable).
 */
import { SottoError } from '../../errors.ts';

export interface CallAnswer {
  sdp: string;
  /** The call's id (last segment of `Location`), or null when the server did not say. */
  callId: string | null;
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export async function postOffer(
  fetchFn: FetchLike,
  url: string,
  key: string | null,
  offerSdp: string,
  signal: AbortSignal,
): Promise<CallAnswer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/sdp' };
  if (key !== null) headers.Authorization = `Bearer ${key}`;
  let res: Response;
  try {
    res = await fetchFn(url, { method: 'POST', body: offerSdp, headers, signal });
  } catch (e) {
    if (signal.aborted) throw abortError(signal);
    // A network failure, or a server without CORS for this page's origin (the browser hides which).
    throw new SottoError('server_unreachable', `could not POST the offer to ${url}: ${String(e)}`, { cause: e });
  }
  if (res.status === 401 || res.status === 403) {
    throw new SottoError('token_rejected', `the server refused the key (${String(res.status)})${await detail(res)}`);
  }
  if (!res.ok) {
    const code = res.status >= 500 ? 'server_unreachable' : 'server_error';
    throw new SottoError(code, `the call was refused with ${String(res.status)}${await detail(res)}`);
  }
  const sdp = await res.text();
  if (!sdp.startsWith('v=')) throw new SottoError('protocol_error', 'the answer is not SDP');
  const location = res.headers.get('Location');
  const callId = location ? (location.split('/').pop() ?? null) : null;
  return { sdp, callId: callId === '' ? null : callId };
}

/** Why the attempt was aborted: the caller's reason when it is a SottoError (a timeout), else closed. */
function abortError(signal: AbortSignal): SottoError {
  const r: unknown = signal.reason;
  return r instanceof SottoError ? r : new SottoError('not_connected', 'the transport was closed while connecting');
}

/** `: <message>` from an OpenAI-style JSON error body, or the raw text (bounded), or nothing. */
async function detail(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  if (!text) return '';
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === 'string' && message) return `: ${message}`;
  } catch {
    // not JSON
  }
  return `: ${text.slice(0, 300)}`;
}
