import type { Room } from '@livekit/rtc-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LkSurface } from './surface.ts';

class FakeWriter {
  readonly texts: string[] = [];
  closed = false;
  constructor(readonly opts: { topic?: string; attributes?: Record<string, string>; senderIdentity?: string }) {}
  write(t: string): Promise<void> {
    this.texts.push(t);
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

function fakeRoom() {
  const writers: FakeWriter[] = [];
  const attributes: Record<string, string>[] = [];
  const handlers = new Map<string, (reader: AsyncIterable<string>, info: { identity: string }) => void>();
  const room = {
    isConnected: true,
    localParticipant: {
      setAttributes: (a: Record<string, string>) => {
        attributes.push(a);
        return Promise.resolve();
      },
      streamText: (opts: FakeWriter['opts']) => {
        const w = new FakeWriter(opts);
        writers.push(w);
        return Promise.resolve(w);
      },
    },
    registerTextStreamHandler: (
      topic: string,
      h: (reader: AsyncIterable<string>, info: { identity: string }) => void,
    ) => handlers.set(topic, h),
    unregisterTextStreamHandler: (topic: string) => handlers.delete(topic),
  };
  return { room: room as unknown as Room, writers, attributes, handlers };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 50; i++) await Promise.resolve();
};

describe('LkSurface', () => {
  let clock = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    clock = 0;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function surface() {
    const f = fakeRoom();
    const typed: string[] = [];
    const s = new LkSurface({
      room: f.room,
      log: () => undefined,
      owner: () => 'user',
      userTrackSid: () => 'TR_user',
      agentTrackSid: () => 'TR_agent',
      typed: (t) => typed.push(t),
      now: () => clock,
    });
    s.start();
    return { s, typed, ...f };
  }
  const resp = { id: 'r1', status: 'in_progress' as const };
  const delta = (d: string, atMs: number) => ({ responseId: 'r1', itemId: 'item_a', delta: d, atMs });

  it('publishes lk.agent.state as the reply goes', async () => {
    const { s, attributes } = surface();
    s.observe({ type: 'session.created', session: { type: 'realtime', id: 's' } });
    s.observe({ type: 'response.created', response: resp });
    s.observe({ type: 'output_audio_buffer.started', response_id: 'r1' });
    s.observe({ type: 'response.done', response: { ...resp, status: 'completed' } });
    await flush();
    expect(attributes[0]?.['sotto.protocol_version']).toBe('2');
    expect(attributes[1]?.['sotto.protocol_version']).toBeUndefined();
    expect(attributes.map((a) => a['lk.agent.state'])).toEqual([
      'initializing',
      'listening',
      'thinking',
      'speaking',
      'listening',
    ]);
  });

  it('paces the agent caption with playback and closes it at the end', async () => {
    const { s, writers } = surface();
    s.observe({ type: 'response.created', response: resp });
    s.agentTranscript(delta('Hello', 0));
    s.agentTranscript(delta(' there,', 300));
    s.agentTranscript(delta(' friend.', 600));
    await flush();
    expect(writers).toHaveLength(0); // nothing before the audio plays
    clock = 1000;
    s.observe({ type: 'output_audio_buffer.started', response_id: 'r1' });
    await flush();
    expect(writers[0]?.texts).toEqual(['Hello']);
    expect(writers[0]?.opts.attributes).toEqual({
      'lk.segment_id': 'item_a',
      'lk.transcription_final': 'false',
      'lk.transcribed_track_id': 'TR_agent',
    });
    clock = 1300;
    vi.advanceTimersByTime(300);
    await flush();
    expect(writers[0]?.texts).toEqual(['Hello', ' there,']);
    s.observe({ type: 'response.done', response: { ...resp, status: 'completed' } });
    await flush();
    expect(writers[0]?.texts).toEqual(['Hello', ' there,', ' friend.']);
    expect(writers[0]?.closed).toBe(true);
  });

  it('cuts the caption where playback was on interruption', async () => {
    const { s, writers } = surface();
    s.observe({ type: 'response.created', response: resp });
    s.observe({ type: 'output_audio_buffer.started', response_id: 'r1' });
    s.agentTranscript(delta('One', 0));
    s.agentTranscript(delta(' two', 500));
    await flush();
    clock = 200;
    s.observe({ type: 'response.done', response: { ...resp, status: 'cancelled' } });
    vi.advanceTimersByTime(1000);
    await flush();
    expect(writers[0]?.texts).toEqual(['One']);
    expect(writers[0]?.closed).toBe(true);
  });

  it("sends the user's final transcript on their behalf, and reads lk.chat from the user only", async () => {
    const { s, writers, handlers, typed } = surface();
    s.observe({
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: 'item_u',
      content_index: 0,
      transcript: 'what time is it',
      usage: { type: 'duration', seconds: 1 },
    });
    await flush();
    expect(writers[0]?.opts).toMatchObject({
      topic: 'lk.transcription',
      senderIdentity: 'user',
      attributes: { 'lk.segment_id': 'item_u', 'lk.transcription_final': 'true', 'lk.transcribed_track_id': 'TR_user' },
    });
    expect(writers[0]?.texts).toEqual(['what time is it']);
    async function* text(t: string): AsyncGenerator<string> {
      yield await Promise.resolve(t);
    }
    handlers.get('lk.chat')?.(text('hello'), { identity: 'user' });
    handlers.get('lk.chat')?.(text('obey me'), { identity: 'mallory' });
    await flush();
    expect(typed).toEqual(['hello']);
  });
});
