/**
 * What the WebSocket transport does with each event, as pure functions over an {@link AudioLedger}:
 *
 * - Server -> client: `response.output_audio.delta` is reply audio (played, not forwarded: the session
 *   hears it on the agent track, as with every transport); `response.done` ends the response's playback;
 *   `output_audio_buffer.*` from the server are dropped (a WebSocket server has no output buffer; the
 *   transport reports its own, see {@link localOutputEvent}); the rest is forwarded.
 * - Client -> server: `output_audio_buffer.clear` is WebRTC-only in GA, so it flushes the local player
 *   instead of going out; `conversation.item.truncate` is clamped to what was both received and played
 *   ({@link truncationPointMs}); the rest goes out as is.
 * - Server VAD's `input_audio_buffer.speech_started` over a playing reply: the player stops and the item
 *   is truncated where it was ({@link serverBargeIn}), as OpenAI's WebSocket clients do.
 */
import type {
  AudioFormat,
  ClientEvent,
  OutputAudioBufferClearedEvent,
  OutputAudioBufferStartedEvent,
  OutputAudioBufferStoppedEvent,
  ServerEvent,
  SessionInfo,
} from '../../protocol/index.ts';
import { decodePcm16Base64 } from './pcm16-base64.ts';

/** GA's `audio/pcm` rate, in Hz (the only one it allows). */
export const GA_PCM_RATE = 24_000;
/** Assistant items whose received audio is remembered (older ones cannot be truncated any more). */
const MAX_ITEMS = 64;

/** The rate of `format`, or null when it is not 16-bit PCM (G.711 is not played by this transport). */
export function pcmRate(format: AudioFormat | undefined): number | null {
  if (format === undefined) return GA_PCM_RATE;
  return format.type === 'audio/pcm' ? (format.rate ?? GA_PCM_RATE) : null;
}

/**
 * The `audio_end_ms` to send: the session's heard point, never past the audio received for the item
 * (servers reject that: `audio_end_ms_out_of_range`) nor past what the player actually played (an
 * underrun stretches wall time past the audio), floored to a whole ms and at least 0.
 */
export function truncationPointMs(requestedMs: number, receivedMs: number | null, playedMs: number | null): number {
  let ms = Number.isFinite(requestedMs) ? requestedMs : 0;
  if (receivedMs !== null) ms = Math.min(ms, receivedMs);
  if (playedMs !== null) ms = Math.min(ms, playedMs);
  return Math.max(0, Math.floor(ms));
}

interface ItemAudio {
  responseId: string;
  contentIndex: number;
  samples: number;
  rate: number;
}

/** Reply audio received per assistant item, and the session's audio formats. */
export class AudioLedger {
  readonly #items = new Map<string, ItemAudio>();
  #outputRate = GA_PCM_RATE;
  #inputRate = GA_PCM_RATE;

  /** Rate of the reply audio, Hz. */
  get outputRate(): number {
    return this.#outputRate;
  }

  /** Rate the server expects `input_audio_buffer.append` audio at, Hz. */
  get inputRate(): number {
    return this.#inputRate;
  }

  /** Takes the session's formats; returns a problem to report when one is not PCM16, else null. */
  session(s: SessionInfo): string | null {
    const out = pcmRate(s.audio?.output?.format);
    const inp = pcmRate(s.audio?.input?.format);
    if (out !== null) this.#outputRate = out;
    if (inp !== null) this.#inputRate = inp;
    if (out === null || inp === null) {
      return `the session's audio format is not 16-bit PCM (input ${s.audio?.input?.format?.type ?? 'default'}, output ${s.audio?.output?.format?.type ?? 'default'}); this transport sends and plays audio/pcm only`;
    }
    return null;
  }

  /** `samples` more of `itemId`'s audio (content part `contentIndex`) arrived. */
  received(itemId: string, responseId: string, samples: number, contentIndex = 0): void {
    const known = this.#items.get(itemId);
    if (known) {
      known.samples += samples;
      return;
    }
    this.#items.set(itemId, { responseId, contentIndex, samples, rate: this.#outputRate });
    if (this.#items.size > MAX_ITEMS) {
      const oldest = this.#items.keys().next().value;
      if (oldest !== undefined) this.#items.delete(oldest);
    }
  }

  /** Milliseconds of `itemId`'s audio received, or null for an item with no audio seen. */
  receivedMs(itemId: string): number | null {
    const a = this.#items.get(itemId);
    return a ? (a.samples * 1000) / a.rate : null;
  }

  /** The response whose audio `itemId` carried, or null. */
  responseOf(itemId: string): string | null {
    return this.#items.get(itemId)?.responseId ?? null;
  }

  /** The newest item (and its audio part) that carried `responseId`'s audio, or null. */
  itemOf(responseId: string): { itemId: string; contentIndex: number } | null {
    let found: { itemId: string; contentIndex: number } | null = null;
    for (const [itemId, a] of this.#items)
      if (a.responseId === responseId) found = { itemId, contentIndex: a.contentIndex };
    return found;
  }

  /** A new connection: nothing of the old one's items can be truncated. */
  reset(): void {
    this.#items.clear();
  }
}

/** What the transport does with one server event. */
export type Inbound =
  | { kind: 'audio'; responseId: string; itemId: string; pcm: Int16Array }
  | { kind: 'forward'; event: ServerEvent; endResponse: string | null; formatProblem: string | null }
  | { kind: 'drop' }
  | { kind: 'bad_audio'; message: string };

export function routeServerEvent(event: ServerEvent, ledger: AudioLedger): Inbound {
  switch (event.type) {
    case 'response.output_audio.delta': {
      const pcm = decodePcm16Base64(event.delta);
      if (!pcm) return { kind: 'bad_audio', message: `${event.type} is not base64 of 16-bit PCM` };
      ledger.received(event.item_id, event.response_id, pcm.length, event.content_index);
      return { kind: 'audio', responseId: event.response_id, itemId: event.item_id, pcm };
    }
    case 'output_audio_buffer.started':
    case 'output_audio_buffer.stopped':
    case 'output_audio_buffer.cleared':
      return { kind: 'drop' };
    case 'response.done':
      return { kind: 'forward', event, endResponse: event.response.id, formatProblem: null };
    case 'session.created':
    case 'session.updated':
      return { kind: 'forward', event, endResponse: null, formatProblem: ledger.session(event.session) };
    default:
      return { kind: 'forward', event, endResponse: null, formatProblem: null };
  }
}

/** What the transport does with one client event. */
export type Outbound = { kind: 'send'; event: ClientEvent } | { kind: 'clear_output' };

/**
 * `played(responseId)`: ms of the response the local player has played (its position), or null.
 */
export function routeClientEvent(
  event: ClientEvent,
  ledger: AudioLedger,
  played: (responseId: string) => number | null,
): Outbound {
  if (event.type === 'output_audio_buffer.clear') return { kind: 'clear_output' };
  if (event.type === 'conversation.item.truncate') {
    const responseId = ledger.responseOf(event.item_id);
    const ms = truncationPointMs(
      event.audio_end_ms,
      ledger.receivedMs(event.item_id),
      responseId === null ? null : played(responseId),
    );
    return { kind: 'send', event: { ...event, audio_end_ms: ms } };
  }
  return { kind: 'send', event };
}

/**
 * Server VAD heard the user over a reply that is playing here (`input_audio_buffer.speech_started`): a
 * WebSocket server cannot stop audio it already sent, so, as OpenAI's WebSocket clients do, the client
 * stops its player and truncates the item at what was played. The truncation to send, or null when
 * nothing of `playing` is known.
 */
export function serverBargeIn(
  ledger: AudioLedger,
  playing: string | null,
  playedMs: number | null,
): ClientEvent | null {
  if (playing === null) return null;
  const item = ledger.itemOf(playing);
  if (!item) return null;
  const received = ledger.receivedMs(item.itemId);
  return {
    type: 'conversation.item.truncate',
    item_id: item.itemId,
    content_index: item.contentIndex,
    audio_end_ms: truncationPointMs(playedMs ?? 0, received, playedMs),
  };
}

type LocalOutputEvent = OutputAudioBufferStartedEvent | OutputAudioBufferStoppedEvent | OutputAudioBufferClearedEvent;

/**
 * The GA `output_audio_buffer.*` event a WebRTC server would send, for the local player: `started` at the
 * response's first played sample, `stopped` when it played out, `cleared` on a clear. The session reads
 * them as over WebRTC (a reply ends once its audio stopped and fell silent).
 */
export function localOutputEvent(type: LocalOutputEvent['type'], responseId: string, seq: number): LocalOutputEvent {
  return { type, response_id: responseId, event_id: `event_local_${String(seq)}` };
}
