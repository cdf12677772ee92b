/**
 * The `openai` brain: a bridge to the OpenAI Realtime API (GA vocabulary over WebSocket) when a key is
 * configured. Each turn goes up as a conversation item (user audio as 24 kHz PCM, or text) followed by
 * `response.create`; the reply's audio deltas come back, are upsampled to the output rate and streamed
 * as they arrive, with the transcript deltas. Aborting a reply sends `response.cancel`. One WebSocket
 * per brain (one brain per job process = per room), opened on first use and reopened after a drop.
 */
import WebSocket, { type RawData } from 'ws';
import { decodePcm16Base64 } from '../tts/pcm.ts';
import type { Brain, BrainTurn, ReplyPart } from './brain.ts';

export interface OpenAiBrainOptions {
  apiKey: string;
  /** Realtime endpoint. Default `wss://api.openai.com/v1/realtime?model=gpt-realtime`. */
  url?: string;
  voice?: string;
  instructions?: string;
  /** Output rate (the agent's track). Default 48 kHz; the API speaks 24 kHz. */
  sampleRate?: number;
  /** Connect timeout, ms. Default 10 000. */
  connectTimeoutMs?: number;
}

const API_RATE = 24_000;
type Msg = Record<string, unknown> & { type: string };

export class OpenAiBrain implements Brain {
  readonly name = 'openai';
  readonly sampleRate: number;
  readonly #o: OpenAiBrainOptions;
  #ws: WebSocket | null = null;
  #connecting: Promise<WebSocket> | null = null;
  /** Listeners for the messages of the response in progress. */
  #onMessage: ((m: Msg) => void) | null = null;

  constructor(opts: OpenAiBrainOptions) {
    this.#o = opts;
    this.sampleRate = opts.sampleRate ?? 48_000;
  }

  async *reply(turn: BrainTurn, signal: AbortSignal): AsyncIterable<ReplyPart> {
    const ws = await this.#connect();
    const queue: (ReplyPart | { type: 'end'; error?: string })[] = [];
    let wake: (() => void) | null = null;
    const push = (p: (typeof queue)[number]): void => {
      queue.push(p);
      wake?.();
    };
    this.#onMessage = (m) => {
      switch (m.type) {
        case 'response.output_audio.delta':
          if (typeof m.delta === 'string') push({ type: 'audio', pcm: upsample24k(m.delta, this.sampleRate) });
          return;
        case 'response.output_audio_transcript.delta':
          if (typeof m.delta === 'string') push({ type: 'transcript', delta: m.delta });
          return;
        case 'conversation.item.input_audio_transcription.completed':
          if (typeof m.transcript === 'string') push({ type: 'input_transcript', text: m.transcript });
          return;
        case 'response.done':
          push({ type: 'end' });
          return;
        case 'error':
          push({ type: 'end', error: JSON.stringify(m.error ?? m) });
          return;
      }
    };
    const onClose = (): void => {
      push({ type: 'end', error: 'the Realtime connection closed' });
    };
    ws.once('close', onClose);
    const onAbort = (): void => {
      send(ws, { type: 'response.cancel' });
      push({ type: 'end' });
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      send(ws, { type: 'conversation.item.create', item: userItem(turn) });
      send(ws, {
        type: 'response.create',
        ...(turn.instructions ? { response: { instructions: turn.instructions } } : {}),
      });
      for (;;) {
        const next = queue.shift();
        if (!next) {
          await new Promise<void>((r) => (wake = r));
          wake = null;
          continue;
        }
        if (next.type === 'end') {
          if (next.error && !signal.aborted) throw new Error(`openai: ${next.error}`);
          return;
        }
        if (signal.aborted) return;
        yield next;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      ws.off('close', onClose);
      this.#onMessage = null;
    }
  }

  async close(): Promise<void> {
    this.#ws?.close();
    this.#ws = null;
    await Promise.resolve();
  }

  #connect(): Promise<WebSocket> {
    if (this.#ws?.readyState === WebSocket.OPEN) return Promise.resolve(this.#ws);
    this.#connecting ??= new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(this.#o.url ?? 'wss://api.openai.com/v1/realtime?model=gpt-realtime', {
        headers: { Authorization: `Bearer ${this.#o.apiKey}` },
        handshakeTimeout: this.#o.connectTimeoutMs ?? 10_000,
      });
      ws.once('error', (e) => {
        reject(e);
      });
      ws.once('open', () => {
        send(ws, {
          type: 'session.update',
          session: {
            type: 'realtime',
            output_modalities: ['audio'],
            ...(this.#o.instructions ? { instructions: this.#o.instructions } : {}),
            audio: {
              input: { format: { type: 'audio/pcm', rate: API_RATE }, turn_detection: null },
              output: {
                format: { type: 'audio/pcm', rate: API_RATE },
                ...(this.#o.voice ? { voice: this.#o.voice } : {}),
              },
            },
          },
        });
        this.#ws = ws;
        resolve(ws);
      });
      ws.on('message', (data: RawData) => {
        const m = parse(data);
        if (m) this.#onMessage?.(m);
      });
      ws.on('close', () => {
        if (this.#ws === ws) this.#ws = null;
      });
    }).finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }
}

function send(ws: WebSocket, m: Msg): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
}

function parse(data: RawData): Msg | null {
  try {
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data as Buffer).toString('utf8');
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && typeof (v as Msg).type === 'string' ? (v as Msg) : null;
  } catch {
    return null;
  }
}

/** The user's turn as a GA conversation item: 24 kHz PCM audio, or text. */
function userItem(turn: BrainTurn): Msg {
  if (turn.audio) {
    const f = Math.max(1, Math.round(turn.audio.sampleRate / API_RATE));
    const pcm = new Int16Array(Math.floor(turn.audio.pcm.length / f));
    for (let i = 0; i < pcm.length; i++) {
      let s = 0;
      for (let k = 0; k < f; k++) s += turn.audio.pcm[i * f + k] ?? 0;
      pcm[i] = Math.round(s / f);
    }
    const audio = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');
    return { type: 'message', role: 'user', content: [{ type: 'input_audio', audio }] };
  }
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text: turn.text ?? '' }] };
}

/** Base64 24 kHz 16-bit PCM to Int16 at `rate` (an integer multiple), by linear interpolation. */
export function upsample24k(b64: string, rate: number): Int16Array {
  const src = decodePcm16Base64(b64);
  const f = Math.max(1, Math.round(rate / API_RATE));
  const out = new Int16Array(src.length * f);
  for (let i = 0; i < src.length; i++) {
    const a = src[i] ?? 0;
    const b = src[i + 1] ?? a;
    for (let k = 0; k < f; k++) out[i * f + k] = Math.round(a + ((b - a) * k) / f);
  }
  return out;
}
