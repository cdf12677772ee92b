/**
 * A stock LiveKit client (a plain @livekit/rtc-node Room: no Sotto code, no Realtime event) against Sotto's
 * agent over a real livekit-server: it sees `lk.agent.state`, `lk.transcription` streams and an audible
 * reply to its spoken turn (server VAD is on by default for a client that never speaks the protocol), and
 * typed input on `lk.chat` is answered.
 */
import {
  AudioFrame,
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  ParticipantKind,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  type Participant,
  type RemoteTrack,
} from '@livekit/rtc-node';
import { randomBytes } from 'node:crypto';
import { AccessToken } from 'livekit-server-sdk';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { INTEGRATION, say } from './helpers.ts';

interface Caption {
  from: string;
  attributes: Record<string, string>;
  text: string;
  at: number;
}

const RATE = 48_000;
const FRAME = 480;
const rooms: Room[] = [];
afterEach(async () => {
  await Promise.all(rooms.splice(0).map((r) => r.disconnect().catch(() => undefined)));
});

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(!INTEGRATION)('integration: a stock LiveKit client', () => {
  it('sees agent state, transcripts and an audio reply; lk.chat is answered', async () => {
    const stack = inject('stack');
    const room = new Room();
    rooms.push(room);
    const states: string[] = [];
    const captions: Caption[] = [];
    const audibleAt: number[] = [];
    let agentTrackSid: string | undefined;
    const onState = (p: Participant): void => {
      const s = p.attributes['lk.agent.state'];
      if (p.kind === ParticipantKind.AGENT && s !== undefined && states.at(-1) !== s) states.push(s);
    };
    room.on(RoomEvent.ParticipantAttributesChanged, (_changed, p) => {
      onState(p);
    });
    room.registerTextStreamHandler('lk.transcription', (reader, info) => {
      void reader.readAll().then((text) => {
        captions.push({ from: info.identity, attributes: reader.info.attributes ?? {}, text, at: performance.now() });
      });
    });
    room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, pub, p) => {
      if (track.kind !== TrackKind.KIND_AUDIO || p.kind !== ParticipantKind.AGENT) return;
      agentTrackSid = pub.sid;
      void (async () => {
        for await (const frame of new AudioStream(track, { sampleRate: RATE, numChannels: 1, frameSizeMs: 10 })) {
          let peak = 0;
          for (const x of frame.data) peak = Math.max(peak, Math.abs(x));
          if (peak > 100) audibleAt.push(performance.now());
        }
      })().catch(() => undefined);
    });

    const at = new AccessToken(stack.apiKey, stack.apiSecret, { identity: 'plain-user', ttl: 600 });
    at.addGrant({
      roomJoin: true,
      room: `plain-${randomBytes(4).toString('hex')}`,
      canPublish: true,
      canSubscribe: true,
    });
    await room.connect(stack.url, await at.toJwt(), { autoSubscribe: true, dynacast: false });
    const source = new AudioSource(RATE, 1, 100);
    const opts = new TrackPublishOptions();
    opts.source = TrackSource.SOURCE_MICROPHONE;
    const local = room.localParticipant;
    if (!local) throw new Error('not connected');
    await local.publishTrack(LocalAudioTrack.createAudioTrack('mic', source), opts);
    const speak = async (pcm: Int16Array): Promise<void> => {
      for (let i = 0; i < pcm.length; i += FRAME) {
        const chunk = new Int16Array(FRAME);
        chunk.set(pcm.subarray(i, Math.min(i + FRAME, pcm.length)));
        await source.captureFrame(new AudioFrame(chunk, RATE, 1, FRAME));
      }
      await source.waitForPlayout();
    };

    // The agent joins and says it is listening.
    await until(
      () => {
        for (const p of room.remoteParticipants.values()) onState(p);
        return states.includes('listening');
      },
      30_000,
      'lk.agent.state listening',
    );

    // Speak until the agent takes the turn (server VAD comes on a few seconds after a silent client joined,
    // and its model may load only then on a busy machine).
    const utterance = say('Hello there, this is a test.');
    for (let i = 0; i < 8 && !states.includes('thinking'); i++) {
      await speak(utterance);
      await speak(new Int16Array(RATE));
    }
    await until(() => states.includes('speaking') && states.at(-1) === 'listening', 20_000, 'the spoken reply');
    const from = states.indexOf('listening');
    expect(states.slice(0, from)).toEqual(states[0] === 'initializing' ? ['initializing'] : []);
    expect(states.slice(from, from + 4)).toEqual(['listening', 'thinking', 'speaking', 'listening']);
    expect(audibleAt.length).toBeGreaterThan(50);
    await until(() => captions.some((c) => c.text.startsWith('You spoke for')), 5_000, 'the agent caption');
    const spoken = captions.find((c) => c.text.startsWith('You spoke for'));
    expect(spoken?.text).toMatch(/^You spoke for \d+\.\d seconds\.$/);
    expect(spoken?.attributes['lk.segment_id']).toMatch(/^item_/);
    expect(spoken?.attributes['lk.transcription_final']).toBe('false');
    expect(spoken?.attributes['lk.transcribed_track_id']).toBe(agentTrackSid);
    // Paced with playback: the whole caption arrives only after its audio started.
    expect(spoken?.at ?? 0).toBeGreaterThan(audibleAt[0] ?? Infinity);

    // Typed input on lk.chat.
    const before = states.length;
    await local.sendText('good morning', { topic: 'lk.chat' });
    await until(() => captions.some((c) => c.text.includes('good morning')), 20_000, 'the typed reply');
    // The state travels as a participant attribute (signalling), the caption on the data channel: under
    // load the caption can arrive first (seen once in CI beside a CPU hog), so the state is awaited.
    await until(() => states.slice(before).includes('speaking'), 5_000, "the 'speaking' state of the typed reply");
    const typed = captions.find((c) => c.text.includes('good morning'));
    expect(typed?.text).toBe('You wrote: good morning');
    expect(typed?.attributes['lk.segment_id']).not.toBe(spoken?.attributes['lk.segment_id']);
  });
});
