/**
 * The official `openai` SDK's Realtime WebSocket client against Sotto's OpenAI-compatible endpoint (a real
 * `server/realtime-main.ts` process, echo brain), changing only the base URL (plus trusting the local
 * self-signed certificate: the SDK connects with wss:// only): a spoken turn from a real recording, a
 * typed turn, a turn ended by server VAD (`semantic_vad` mapped), bad input answered with typed errors,
 * the key checked. Every server event received goes through Sotto's client parser (0 failures) and is
 * typed as the SDK's GA `RealtimeServerEvent`, and passes the official Agents SDK's runtime schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { freeTcpPort } from '../../scripts/stack/ports.ts';
import { startRealtime, type RealtimeHandle } from '../../scripts/stack/realtime.ts';
import { encodeEvent, parseServerEvent } from '../../src/protocol/index.ts';
import { ROOT } from '../testing/stack.ts';
import { officialSchemaFailures } from '../testing/official-schema.ts';
import { ConnectRefused, RecordingRealtimeClient } from '../testing/openai-ws-client.ts';
import { readWavPcm16 } from '../testing/wav.ts';
import { decodePcm16Base64, resample } from '../tts/pcm.ts';
import { INTEGRATION } from './helpers.ts';

const KEY = 'sotto-test-key';
/** A real recording (CMU ARCTIC, 3.96 s at 16 kHz): see ../shared/audio/README.md. */
const RECORDING = join(ROOT, '..', 'shared', 'audio', 'arctic_a0024.wav');

/** The recording as the GA wire wants it: 24 kHz PCM16, in 100 ms base64 chunks. */
function recordingChunks(silenceAfterMs = 0): string[] {
  const wav = readWavPcm16(RECORDING);
  const speech = resample(wav.pcm, wav.sampleRate, 24_000);
  const pcm = new Int16Array(speech.length + 24 * silenceAfterMs);
  pcm.set(speech);
  const chunks: string[] = [];
  for (let at = 0; at < pcm.length; at += 2400) {
    const part = pcm.subarray(at, Math.min(at + 2400, pcm.length));
    chunks.push(Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString('base64'));
  }
  return chunks;
}

/** Reply audio of one response: all its deltas decoded, in order. */
function replyAudio(c: RecordingRealtimeClient, responseId: string): Int16Array {
  const parts = c.of('response.output_audio.delta').filter((d) => d.response_id === responseId);
  const pcm = parts.map((d) => decodePcm16Base64(d.delta));
  const out = new Int16Array(pcm.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pcm) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const rms = (x: Int16Array): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / Math.max(1, x.length));

describe.runIf(INTEGRATION)('OpenAI-compatible /v1/realtime: the official openai SDK', () => {
  let server: RealtimeHandle | null = null;
  let ca = '';
  let baseURL = '';
  const clients: RecordingRealtimeClient[] = [];
  const connect = async (): Promise<RecordingRealtimeClient> => {
    const c = await RecordingRealtimeClient.connect({ baseURL, apiKey: KEY, ca });
    clients.push(c);
    await c.waitFor('session.created');
    return c;
  };

  beforeAll(async () => {
    const port = await freeTcpPort();
    server = await startRealtime({
      root: ROOT,
      runDir: join(ROOT, 'test-results', `openai-ws-${String(process.pid)}`),
      port,
      apiKey: KEY,
      tls: true,
    });
    ca = readFileSync(server.certPath ?? '', 'utf8');
    // What an app changes: the base URL (the SDK turns it into wss://.../v1/realtime?model=...).
    baseURL = `https://127.0.0.1:${String(port)}/v1`;
  }, 90_000);

  afterAll(async () => {
    for (const c of clients) await c.close();
    await server?.stop();
  });

  it('a spoken turn (a real recording, committed by the client), then a typed turn', async () => {
    const c = await connect();
    expect(c.of('session.created')[0]?.session).toMatchObject({
      type: 'realtime',
      audio: { output: { format: { type: 'audio/pcm', rate: 24000 } } },
    });
    c.send({
      type: 'session.update',
      session: { type: 'realtime', instructions: 'Answer briefly.', audio: { input: { turn_detection: null } } },
    });
    const [updated] = await c.waitFor('session.updated');
    expect(updated?.session).toMatchObject({
      instructions: 'Answer briefly.',
      audio: { input: { turn_detection: null } },
    });

    for (const audio of recordingChunks()) c.send({ type: 'input_audio_buffer.append', audio });
    c.send({ type: 'input_audio_buffer.commit' });
    c.send({ type: 'response.create' });
    const sent = performance.now();
    await c.waitFor('response.output_audio.delta');
    // A bound that catches a stall, not a speed target: the first audio on the client's clock.
    const firstAudioMs = performance.now() - sent;
    expect(firstAudioMs).toBeLessThan(1500);
    const [done] = await c.waitFor('response.done');
    expect(done?.response.status).toBe('completed');
    expect(c.of('input_audio_buffer.committed')).toHaveLength(1);
    // The echo brain states the length of what it heard: the whole recording arrived, at the right rate.
    const [transcript] = c.of('response.output_audio_transcript.done');
    expect(transcript?.transcript).toBe('You spoke for 4.0 seconds.');
    const reply = replyAudio(c, done?.response.id ?? '');
    expect(reply.length / 24_000).toBeGreaterThan(0.8);
    expect(reply.length / 24_000).toBeLessThan(5);
    expect(rms(reply)).toBeGreaterThan(300);
    // Every delta names the response's item and part, and comes before response.output_audio.done.
    const item = c.of('response.output_item.added')[0]?.item.id;
    expect(c.of('response.output_audio.delta').every((d) => d.item_id === item && d.content_index === 0)).toBe(true);
    const order = c.events.map((e) => e.type);
    expect(order.lastIndexOf('response.output_audio.delta')).toBeLessThan(order.indexOf('response.output_audio.done'));

    c.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'good morning' }] },
    });
    c.send({ type: 'response.create' });
    const [, typed] = await c.waitFor('response.done', 2);
    expect(typed?.response.status).toBe('completed');
    expect(c.of('response.output_audio_transcript.done')[1]?.transcript).toBe('You wrote: good morning');
    expect(replyAudio(c, typed?.response.id ?? '').length).toBeGreaterThan(12_000);
    expect(c.of('error')).toEqual([]);
  });

  it('server VAD ends a spoken turn and answers it (semantic_vad runs as server VAD)', async () => {
    const c = await connect();
    c.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: { type: 'semantic_vad' } } } },
    });
    const [updated] = await c.waitFor('session.updated');
    expect(updated?.session.audio?.input?.turn_detection).toMatchObject({ type: 'server_vad' });
    for (const audio of recordingChunks(1500)) c.send({ type: 'input_audio_buffer.append', audio });
    await c.waitFor('input_audio_buffer.speech_started');
    await c.waitFor('input_audio_buffer.speech_stopped');
    const [done] = await c.waitFor('response.done');
    expect(done?.response.status).toBe('completed');
    expect(c.of('response.output_audio_transcript.done')[0]?.transcript).toMatch(/^You spoke for \d\.\d seconds\.$/);
    expect(replyAudio(c, done?.response.id ?? '').length).toBeGreaterThan(0);
    expect(c.of('error')).toEqual([]);
  });

  it('serves sessions side by side: four clients, a typed turn each, each answered with its own words', async () => {
    const many = await Promise.all([1, 2, 3, 4].map(() => connect()));
    const ids = many.map((c) => (c.of('session.created')[0]?.session as { id?: string } | undefined)?.id);
    expect(new Set(ids).size).toBe(4);
    for (const [i, c] of many.entries()) {
      c.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null } } } });
      c.send({
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: `client ${String(i + 1)}` }] },
      });
      c.send({ type: 'response.create' });
    }
    await Promise.all(many.map((c) => c.waitFor('response.done')));
    for (const [i, c] of many.entries()) {
      expect(c.of('response.done')[0]?.response.status).toBe('completed');
      expect(c.of('response.output_audio_transcript.done')[0]?.transcript).toBe(`You wrote: client ${String(i + 1)}`);
      expect(c.of('error')).toEqual([]);
    }
    await Promise.all(many.map((c) => c.close()));
  });

  it('bad input gets typed errors naming the event and the parameter; the session goes on', async () => {
    const c = await connect();
    c.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null } } } });
    c.send({ type: 'input_audio_buffer.append', audio: '%%% not base64', event_id: 'bad_audio' });
    c.rt.socket.send('{"type": "input_audio_buffer.append"'); // not JSON
    c.rt.socket.send(JSON.stringify({ type: 'no.such.event', event_id: 'bad_type' }));
    c.rt.socket.send(JSON.stringify({ type: 'input_audio_buffer.append', event_id: 'no_audio' }));
    c.send({ type: 'input_audio_buffer.commit', event_id: 'empty_commit' });
    const errors = (await c.waitFor('error', 5)).map((e) => e.error);
    expect(errors).toEqual([
      expect.objectContaining({ code: 'invalid_event', param: 'audio', event_id: 'bad_audio' }),
      expect.objectContaining({ code: 'invalid_json' }),
      expect.objectContaining({ code: 'unknown_event', event_id: 'bad_type' }),
      expect.objectContaining({ code: 'invalid_event', param: 'audio', event_id: 'no_audio' }),
      expect.objectContaining({ code: 'input_audio_buffer_commit_empty', event_id: 'empty_commit' }),
    ]);
    // Nothing was lost around them: a turn still goes through.
    c.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'still there?' }] },
    });
    c.send({ type: 'response.create' });
    await c.waitFor('response.done');
    expect(c.of('response.output_audio_transcript.done')[0]?.transcript).toBe('You wrote: still there?');
  });

  it('checks the key: a wrong one is refused with 401; the browser subprotocol works over plain ws://', async () => {
    await expect(RecordingRealtimeClient.connect({ baseURL, apiKey: 'wrong', ca })).rejects.toThrow(ConnectRefused);
    await expect(RecordingRealtimeClient.connect({ baseURL, apiKey: 'wrong', ca })).rejects.toMatchObject({
      status: 401,
    });
    const ws = new WebSocket(server?.url ?? '', ['realtime', `openai-insecure-api-key.${KEY}`]);
    try {
      const first = await new Promise<RealtimeServerEvent>((resolve, reject) => {
        ws.once('message', (data) => {
          resolve(JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : '{}') as RealtimeServerEvent);
        });
        ws.once('error', reject);
      });
      expect(ws.protocol).toBe('realtime');
      expect(first.type).toBe('session.created');
    } finally {
      ws.terminate();
    }
  });

  it('every server event received passes Sotto’s client parser and the official runtime schema', () => {
    const events = clients.flatMap((c) => c.events);
    expect(events.length).toBeGreaterThan(50);
    const failures = events
      .map((e) => ({
        e,
        r: parseServerEvent(encodeEvent(e as Parameters<typeof encodeEvent>[0]), { maxBytes: 1 << 22 }),
      }))
      .filter(({ r }) => !r.ok)
      .map(({ e, r }) => `${e.type}: ${r.ok ? '' : r.message}`);
    expect(failures).toEqual([]);
    expect(events.every((e) => typeof (e as { event_id?: unknown }).event_id === 'string')).toBe(true);
    // The official Agents SDK's runtime schema (its transports drop an event that fails it, silently).
    expect(officialSchemaFailures(events)).toEqual([]);
    // WebRTC-only events do not come over the WebSocket (OpenAI's WebSocket endpoint does not send them).
    expect(events.some((e) => e.type.startsWith('output_audio_buffer.'))).toBe(false);
  });
});
