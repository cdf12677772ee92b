/** The OpenAI bridge against a scripted local Realtime peer (a WebSocket server on 127.0.0.1). */
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { BrainTurn, ReplyPart } from './brain.ts';
import { OpenAiBrain, upsample24k } from './openai.ts';

interface Peer {
  url: string;
  received: Record<string, unknown>[];
  auth: string[];
  close(): Promise<void>;
}

/** A scripted Realtime peer: answers each response.create with `chunks` audio deltas `gapMs` apart. */
async function peer(chunks: number, gapMs: number): Promise<Peer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', r));
  const received: Record<string, unknown>[] = [];
  const auth: string[] = [];
  const timers: NodeJS.Timeout[] = [];
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    auth.push(req.headers.authorization ?? '');
    const send = (m: unknown): void => {
      ws.send(JSON.stringify(m));
    };
    send({ type: 'session.created', event_id: 'e0', session: { id: 'sess_peer' } });
    let cancelled = false;
    ws.on('message', (data: RawData) => {
      const m = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : '{}') as Record<string, unknown>;
      received.push(m);
      if (m.type === 'response.cancel') cancelled = true;
      if (m.type !== 'response.create') return;
      cancelled = false;
      send({ type: 'response.created', response: { id: 'resp_1', status: 'in_progress' } });
      send({ type: 'response.output_audio_transcript.delta', response_id: 'resp_1', delta: 'Hi' });
      const pcm = Int16Array.from({ length: 480 }, (_, i) => Math.round(8000 * Math.sin(i / 4)));
      const delta = Buffer.from(pcm.buffer).toString('base64');
      for (let i = 0; i < chunks; i++) {
        timers.push(
          setTimeout(
            () => {
              if (!cancelled) send({ type: 'response.output_audio.delta', response_id: 'resp_1', delta });
              if (i === chunks - 1) {
                send({
                  type: 'response.done',
                  response: { id: 'resp_1', status: cancelled ? 'cancelled' : 'completed' },
                });
              }
            },
            gapMs * (i + 1),
          ),
        );
      }
    });
  });
  const addr = wss.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `ws://127.0.0.1:${port}/v1/realtime?model=test`,
    received,
    auth,
    close: () =>
      new Promise<void>((r) => {
        for (const t of timers) clearTimeout(t);
        wss.close(() => {
          r();
        });
      }),
  };
}

const peers: Peer[] = [];
const brains: OpenAiBrain[] = [];
afterEach(async () => {
  await Promise.all(brains.splice(0).map((b) => b.close()));
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

const audioTurn: BrainTurn = {
  items: [],
  audio: { pcm: new Int16Array(4800).fill(100), sampleRate: 48_000 },
  text: null,
  instructions: 'be brief',
};

describe('OpenAiBrain', () => {
  it('sends the session, the user audio at 24 kHz and response.create; streams audio and transcript back', async () => {
    const p = await peer(3, 5);
    peers.push(p);
    const brain = new OpenAiBrain({ apiKey: 'sk-test', url: p.url });
    brains.push(brain);
    const parts: ReplyPart[] = [];
    for await (const part of brain.reply(audioTurn, new AbortController().signal)) parts.push(part);
    expect(p.auth).toEqual(['Bearer sk-test']);
    expect(p.received.map((m) => m.type)).toEqual(['session.update', 'conversation.item.create', 'response.create']);
    expect(p.received[0]).toMatchObject({
      session: { type: 'realtime', audio: { input: { turn_detection: null, format: { rate: 24_000 } } } },
    });
    const item = p.received[1]?.item as { content: { type: string; audio: string }[] };
    expect(Buffer.from(item.content[0]?.audio ?? '', 'base64').length).toBe(2400 * 2); // 100 ms at 24 kHz
    expect(p.received[2]).toMatchObject({ response: { instructions: 'be brief' } });
    expect(parts[0]).toEqual({ type: 'transcript', delta: 'Hi' });
    const audio = parts.filter((x) => x.type === 'audio');
    expect(audio).toHaveLength(3);
    expect(audio[0]?.type === 'audio' && audio[0].pcm.length).toBe(960); // 10 ms at 24 kHz -> 48 kHz

    // The connection is reused for the next turn.
    for await (const _ of brain.reply({ ...audioTurn, audio: null, text: 'hi' }, new AbortController().signal)) {
      /* drain */
    }
    expect(p.auth).toHaveLength(1);
    expect(p.received.at(-2)).toMatchObject({ item: { content: [{ type: 'input_text', text: 'hi' }] } });
  });

  it('sends response.cancel when the reply is aborted, and stops', async () => {
    const p = await peer(50, 20);
    peers.push(p);
    const brain = new OpenAiBrain({ apiKey: 'k', url: p.url });
    brains.push(brain);
    const ac = new AbortController();
    let audio = 0;
    for await (const part of brain.reply(audioTurn, ac.signal)) {
      if (part.type === 'audio' && ++audio === 2) ac.abort();
    }
    expect(audio).toBe(2);
    await new Promise((r) => setTimeout(r, 30));
    expect(p.received.map((m) => m.type)).toContain('response.cancel');
  });

  it('fails the reply when the peer is unreachable', async () => {
    const brain = new OpenAiBrain({ apiKey: 'k', url: 'ws://127.0.0.1:1/v1/realtime', connectTimeoutMs: 2000 });
    const run = async (): Promise<void> => {
      for await (const _ of brain.reply(audioTurn, new AbortController().signal)) {
        /* nothing */
      }
    };
    await expect(run()).rejects.toThrow();
  });

  it('upsamples 24 kHz deltas', () => {
    const b64 = Buffer.from(Int16Array.from([0, 100]).buffer).toString('base64');
    expect(Array.from(upsample24k(b64, 48_000))).toEqual([0, 50, 100, 100]);
  });
});
