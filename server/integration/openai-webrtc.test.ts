/**
 * `POST /v1/realtime/calls` (OpenAI's WebRTC entry) on Sotto's endpoint process, with a WebRTC client that
 * connects as OpenAI's WebRTC clients do (`oai-events` channel, microphone track, SDP offer with a bearer
 * key): a spoken turn from a real recording played in real time into the track, answered with audio on
 * the server's track and the GA events (`output_audio_buffer.*` included, as on OpenAI's WebRTC); a typed
 * turn; the key checked; hangup. Every event passes Sotto's parser and the official runtime schemas.
 */
import { join } from 'node:path';
import wrtc from '@roamhq/wrtc';
import { OpenAIRealtimeWebRTC, RealtimeAgent, RealtimeSession } from '@openai/agents-realtime';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freeTcpPort } from '../../scripts/stack/ports.ts';
import { startRealtime, type RealtimeHandle } from '../../scripts/stack/realtime.ts';
import { encodeEvent, parseServerEvent } from '../../src/protocol/index.ts';
import { officialSchemaFailures } from '../testing/official-schema.ts';
import { ROOT } from '../testing/stack.ts';
import { readWavPcm16 } from '../testing/wav.ts';
import { CallRefused, WebRtcCallClient } from '../testing/webrtc-call-client.ts';
import { resample } from '../tts/pcm.ts';
import { INTEGRATION } from './helpers.ts';

const KEY = 'sotto-webrtc-key';
const RECORDING = join(ROOT, '..', 'shared', 'audio', 'arctic_a0024.wav');

describe.runIf(INTEGRATION)('OpenAI-compatible /v1/realtime/calls: WebRTC', () => {
  let server: RealtimeHandle | null = null;
  let callsUrl = '';
  const clients: WebRtcCallClient[] = [];

  beforeAll(async () => {
    const port = await freeTcpPort();
    server = await startRealtime({
      root: ROOT,
      runDir: join(ROOT, 'test-results', `openai-webrtc-${String(process.pid)}`),
      port,
      apiKey: KEY,
    });
    callsUrl = `http://127.0.0.1:${String(port)}/v1/realtime/calls`;
  }, 90_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
  });

  it('a spoken turn played into the track, answered with audio on the server track', async () => {
    const c = await WebRtcCallClient.call(callsUrl, KEY);
    clients.push(c);
    expect(c.callId).toMatch(/^rtc_/);
    await c.waitFor('session.created');
    c.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null } } } });
    await c.waitFor('session.updated');
    const wav = readWavPcm16(RECORDING);
    // The track carried audio since the call began: the turn starts here.
    c.send({ type: 'input_audio_buffer.clear' });
    await c.waitFor('input_audio_buffer.cleared');
    await c.play(resample(wav.pcm, wav.sampleRate, 48_000));
    await new Promise((r) => setTimeout(r, 300)); // the last frames' network and decode time
    c.send({ type: 'input_audio_buffer.commit' });
    c.send({ type: 'response.create' });
    const [started] = await c.waitFor('output_audio_buffer.started');
    const [done] = await c.waitFor('response.done');
    expect(done?.response.status).toBe('completed');
    // The whole recording (3.96 s) arrived over the track, plus the 300 ms before the commit and the
    // network's delay: the echo brain says how long the committed turn was.
    const said = /^You spoke for (\d\.\d) seconds\.$/.exec(
      c.of('response.output_audio_transcript.done')[0]?.transcript ?? '',
    );
    const seconds = Number(said?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(3.9);
    expect(seconds).toBeLessThanOrEqual(4.7);
    expect(c.of('output_audio_buffer.stopped').map((e) => e.response_id)).toEqual([started?.response_id]);
    // The reply was heard on the track: over a second of frames well above silence.
    const loud = c.frames.filter((f) => f.rms > 500);
    expect(loud.length).toBeGreaterThan(100);
    expect(c.of('response.output_audio.delta')).toEqual([]); // audio goes on the track, not as events
    expect(c.of('error')).toEqual([]);
  });

  it('a typed turn, then hangup ends the call', async () => {
    const c = await WebRtcCallClient.call(callsUrl, KEY);
    clients.push(c);
    await c.waitFor('session.created');
    c.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'over webrtc' }] },
    });
    c.send({ type: 'response.create' });
    await c.waitFor('response.done');
    expect(c.of('response.output_audio_transcript.done')[0]?.transcript).toBe('You wrote: over webrtc');
    const hangup = await fetch(`${callsUrl}/${c.callId}/hangup`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}` },
    });
    expect(hangup.status).toBe(200);
    const again = await fetch(`${callsUrl}/${c.callId}/hangup`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}` },
    });
    expect(again.status).toBe(404);
  });

  it('@openai/agents-realtime over WebRTC: only baseUrl changed; its defaults applied, a typed turn heard', async () => {
    // Node has no WebRTC: wrtc stands in for the browser's RTCPeerConnection, a wrtc track for the
    // microphone, and a plain object for the <audio> element the transport plays into.
    vi.stubGlobal('RTCPeerConnection', wrtc.RTCPeerConnection);
    const mic = new wrtc.nonstandard.RTCAudioSource();
    const track = mic.createTrack();
    const audioElement = { autoplay: false, srcObject: null } as unknown as HTMLAudioElement;
    const transport = new OpenAIRealtimeWebRTC({
      baseUrl: callsUrl,
      mediaStream: new wrtc.MediaStream([track]),
      audioElement,
    });
    const session = new RealtimeSession(new RealtimeAgent({ name: 'Greeter', instructions: 'Be brief.' }), {
      transport,
      model: 'gpt-realtime',
    });
    const events: { type: string; [k: string]: unknown }[] = [];
    const errors: unknown[] = [];
    session.on('transport_event', (e) => events.push(e));
    session.on('error', (e) => errors.push(e));
    const until = async (cond: () => boolean, what: string): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (!cond()) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what}: ${events.map((e) => e.type).join(', ')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    try {
      await session.connect({ apiKey: KEY });
      await until(() => events.some((e) => e.type === 'session.updated'), 'session.updated');
      expect(events.filter((e) => e.type === 'session.updated').at(-1)?.session).toMatchObject({
        instructions: 'Be brief.',
        audio: {
          input: { transcription: { model: 'gpt-4o-mini-transcribe' }, turn_detection: { type: 'server_vad' } },
        },
      });
      session.sendMessage('hello over webrtc');
      await until(() => events.some((e) => e.type === 'response.done'), 'response.done');
      expect(events.find((e) => e.type === 'response.output_audio_transcript.done')?.transcript).toBe(
        'You wrote: hello over webrtc',
      );
      expect(events.some((e) => e.type === 'output_audio_buffer.stopped')).toBe(true);
      expect((audioElement as unknown as { srcObject: unknown }).srcObject).not.toBeNull(); // the reply track
      expect(errors).toEqual([]);
      expect(officialSchemaFailures(events)).toEqual([]);
    } finally {
      session.close();
      track.stop();
      vi.unstubAllGlobals();
    }
  });

  it('a multipart offer with a session: its settings apply from the start, unsupported ones refused', async () => {
    const c = await WebRtcCallClient.call(callsUrl, KEY, {
      type: 'realtime',
      instructions: 'from the form',
      output_modalities: ['text'],
    });
    clients.push(c);
    const [created] = await c.waitFor('session.created');
    expect(created?.session).toMatchObject({ instructions: 'from the form', output_modalities: ['audio'] });
    const [error] = await c.waitFor('error');
    expect(error?.error).toMatchObject({ code: 'unsupported_value', param: 'session.output_modalities' });
  });

  it('refuses a wrong key (401) and a body that is not an offer (415, 400)', async () => {
    await expect(WebRtcCallClient.call(callsUrl, 'wrong')).rejects.toMatchObject({ status: 401 });
    await expect(WebRtcCallClient.call(callsUrl, 'wrong')).rejects.toThrow(CallRefused);
    const json = await fetch(callsUrl, {
      method: 'POST',
      body: '{}',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${KEY}` },
    });
    expect(json.status).toBe(415);
    const junk = await fetch(callsUrl, {
      method: 'POST',
      body: 'v=0 not an offer',
      headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${KEY}` },
    });
    expect(junk.status).toBe(400);
    expect(await junk.json()).toMatchObject({ error: { code: 'invalid_offer' } });
  });

  it('every event received passes Sotto’s parser and the official runtime schemas', () => {
    const events = clients.flatMap((c) => c.events);
    expect(events.length).toBeGreaterThan(20);
    const failures = events
      .map((e) => ({ e, r: parseServerEvent(encodeEvent(e as never), { maxBytes: 1 << 22 }) }))
      .filter(({ r }) => !r.ok)
      .map(({ e, r }) => `${e.type}: ${r.ok ? '' : r.message}`);
    expect(failures).toEqual([]);
    expect(officialSchemaFailures(events)).toEqual([]);
  });
});
