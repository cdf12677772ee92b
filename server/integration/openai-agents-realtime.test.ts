/**
 * `@openai/agents-realtime` (the OpenAI Agents SDK's `RealtimeSession` over its `OpenAIRealtimeWebSocket`
 * transport) against Sotto's OpenAI-compatible endpoint (a real `server/realtime-main.ts` process, echo
 * brain), changing only the transport's `url`: its default `session.update` (semantic_vad, transcription,
 * the agent's instructions) accepted, a typed turn, and a spoken turn (a real recording) ended by the
 * server's VAD. Every server event it received passes Sotto's client parser.
 */
import { join } from 'node:path';
import { OpenAIRealtimeWebSocket, RealtimeAgent, RealtimeSession } from '@openai/agents-realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeTcpPort } from '../../scripts/stack/ports.ts';
import { startRealtime, type RealtimeHandle } from '../../scripts/stack/realtime.ts';
import { encodeEvent, parseServerEvent } from '../../src/protocol/index.ts';
import { officialSchemaFailures } from '../testing/official-schema.ts';
import { ROOT } from '../testing/stack.ts';
import { readWavPcm16 } from '../testing/wav.ts';
import { resample } from '../tts/pcm.ts';
import { INTEGRATION } from './helpers.ts';

const KEY = 'sotto-agents-key';
const RECORDING = join(ROOT, '..', 'shared', 'audio', 'arctic_a0024.wav');

type RawEvent = { type: string } & Record<string, unknown>;

async function until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.runIf(INTEGRATION)('OpenAI-compatible /v1/realtime: @openai/agents-realtime', () => {
  let server: RealtimeHandle | null = null;
  let session: RealtimeSession | null = null;
  const events: RawEvent[] = [];
  const sessionErrors: unknown[] = [];
  let audioBytes = 0;

  beforeAll(async () => {
    const port = await freeTcpPort();
    server = await startRealtime({
      root: ROOT,
      runDir: join(ROOT, 'test-results', `agents-realtime-${String(process.pid)}`),
      port,
      apiKey: KEY,
    });
  }, 90_000);

  afterAll(async () => {
    session?.close();
    await server?.stop();
  });

  it('connects with only the URL changed; its default session.update is accepted, instructions kept', async () => {
    const agent = new RealtimeAgent({ name: 'Greeter', instructions: 'Greet the user briefly.' });
    // What an app changes: the transport's URL (the key goes as a bearer token, as to OpenAI).
    const transport = new OpenAIRealtimeWebSocket({ url: server?.url ?? '' });
    session = new RealtimeSession(agent, { transport, model: 'gpt-realtime' });
    session.on('transport_event', (e) => {
      events.push(e);
    });
    session.on('error', (e) => {
      sessionErrors.push(e);
    });
    session.on('audio', (e) => {
      audioBytes += e.data.byteLength;
    });
    await session.connect({ apiKey: KEY });
    await until(() => events.some((e) => e.type === 'session.updated'), 'session.updated');
    const updated = events.filter((e) => e.type === 'session.updated').at(-1);
    // The SDK's defaults (DEFAULT_OPENAI_REALTIME_SESSION_CONFIG) applied, semantic_vad as server VAD.
    expect(updated?.session).toMatchObject({
      instructions: 'Greet the user briefly.',
      output_modalities: ['audio'],
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24000 },
          transcription: { model: 'gpt-4o-mini-transcribe' },
          turn_detection: { type: 'server_vad', create_response: true },
        },
        output: { format: { type: 'audio/pcm', rate: 24000 }, speed: 1 },
      },
    });
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
  });

  it('a typed turn: audio back and the agent transcript', async () => {
    const s = session;
    if (!s) throw new Error('not connected');
    const before = events.filter((e) => e.type === 'response.done').length;
    audioBytes = 0;
    s.sendMessage('good morning');
    await until(() => events.filter((e) => e.type === 'response.done').length > before, 'response.done');
    expect(audioBytes).toBeGreaterThan(24_000); // > 0.5 s of 24 kHz PCM16
    const transcript = events.filter((e) => e.type === 'response.output_audio_transcript.done').at(-1);
    expect(transcript?.transcript).toBe('You wrote: good morning');
  });

  it('a spoken turn (a real recording), ended by the server VAD (semantic_vad mapped)', async () => {
    const s = session;
    if (!s) throw new Error('not connected');
    const before = events.filter((e) => e.type === 'response.done').length;
    audioBytes = 0;
    const wav = readWavPcm16(RECORDING);
    const speech = resample(wav.pcm, wav.sampleRate, 24_000);
    const pcm = new Int16Array(speech.length + 24 * 1500); // then 1.5 s of silence
    pcm.set(speech);
    for (let at = 0; at < pcm.length; at += 2400) {
      const chunk = pcm.slice(at, Math.min(at + 2400, pcm.length));
      s.sendAudio(chunk.buffer);
    }
    await until(() => events.filter((e) => e.type === 'response.done').length > before, 'response.done');
    expect(events.some((e) => e.type === 'input_audio_buffer.speech_stopped')).toBe(true);
    expect(audioBytes).toBeGreaterThan(24_000);
    const transcript = events.filter((e) => e.type === 'response.output_audio_transcript.done').at(-1);
    expect(transcript?.transcript).toMatch(/^You spoke for \d\.\d seconds\.$/);
  });

  it('every server event it received passes Sotto’s parser and the SDK’s own schema; no error came', () => {
    expect(events.length).toBeGreaterThan(20);
    const failures = events
      .map((e) => ({ e, r: parseServerEvent(encodeEvent(e as never), { maxBytes: 1 << 22 }) }))
      .filter(({ r }) => !r.ok)
      .map(({ e, r }) => `${e.type}: ${r.ok ? '' : r.message}`);
    expect(failures).toEqual([]);
    expect(officialSchemaFailures(events)).toEqual([]);
    expect(sessionErrors).toEqual([]);
  });
});
