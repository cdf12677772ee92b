/**
 * The official `openai` SDK's Realtime WebSocket client (`OpenAIRealtimeWS`), pointed at a base URL and
 * recording every server event it receives, for integration tests of the OpenAI-compatible endpoint.
 */
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import type { RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';

type Of<T extends RealtimeServerEvent['type']> = Extract<RealtimeServerEvent, { type: T }>;

export class RecordingRealtimeClient {
  readonly rt: OpenAIRealtimeWS;
  /** Every server event, in order of arrival. */
  readonly events: RealtimeServerEvent[] = [];

  private constructor(rt: OpenAIRealtimeWS) {
    this.rt = rt;
    rt.on('event', (e) => {
      this.events.push(e);
    });
    // Error events are recorded above; without a listener the SDK would turn them into rejections.
    rt.on('error', () => undefined);
  }

  /**
   * Connects as any app would: `new OpenAI({ apiKey, baseURL })` and `OpenAIRealtimeWS`, plus the
   * certificate to trust for a local `wss://` (`ca`). Rejects with the HTTP status when refused.
   */
  static connect(opts: {
    baseURL: string;
    apiKey: string;
    ca?: string;
    model?: string;
  }): Promise<RecordingRealtimeClient> {
    const client = new OpenAI({ apiKey: opts.apiKey, baseURL: opts.baseURL });
    const rt = new OpenAIRealtimeWS(
      { model: opts.model ?? 'gpt-realtime', ...(opts.ca ? { options: { ca: opts.ca } } : {}) },
      client,
    );
    const recorder = new RecordingRealtimeClient(rt);
    return new Promise((resolve, reject) => {
      rt.socket.once('open', () => {
        resolve(recorder);
      });
      rt.socket.once('unexpected-response', (_req, res) => {
        reject(new ConnectRefused(res.statusCode ?? 0));
        rt.socket.terminate();
      });
      rt.socket.once('close', () => {
        reject(new Error('closed before it opened'));
      });
    });
  }

  send(e: RealtimeClientEvent): void {
    this.rt.send(e);
  }

  of<T extends RealtimeServerEvent['type']>(type: T): Of<T>[] {
    return this.events.filter((e): e is Of<T> => e.type === type);
  }

  /** Resolves once `n` events of `type` have arrived (counting those already here). */
  async waitFor<T extends RealtimeServerEvent['type']>(type: T, n = 1, timeoutMs = 20_000): Promise<Of<T>[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.of(type).length < n) {
      if (Date.now() > deadline) {
        const seen = this.events.map((e) => e.type).join(', ');
        throw new Error(`no ${String(n)}x ${type} within ${String(timeoutMs)} ms; got: ${seen}`);
      }
      if (this.rt.socket.readyState > 1) throw new Error(`socket closed while waiting for ${type}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.of(type);
  }

  /** Closes the socket and waits until it has closed. */
  async close(): Promise<void> {
    const s = this.rt.socket;
    if (s.readyState === s.CLOSED) return;
    const closed = new Promise((r) => s.once('close', r));
    this.rt.close();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 3000))]);
    s.terminate(); // a no-op once closed
  }
}

export class ConnectRefused extends Error {
  override readonly name = 'ConnectRefused';
  readonly status: number;
  constructor(status: number) {
    super(`the server refused the connection (HTTP ${String(status)})`);
    this.status = status;
  }
}
