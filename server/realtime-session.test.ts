import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, SERVER_VAD_DEFAULTS } from '../src/protocol/index.ts';
import { RealtimeSession } from './realtime-session.ts';
import { audio, harness, LoudnessModel, ScriptedBrain, until, wire, type Harness } from './testing/fakes.ts';

function started(opts: Parameters<typeof harness>[0] = {}, brain = new ScriptedBrain()) {
  const h = harness(opts);
  const s = new RealtimeSession(h.io, brain, {});
  s.start();
  return { h, s, brain };
}

const types = (h: Harness): string[] => h.events.map((e) => e.type);
const done = (h: Harness, n = 1): Promise<void> => until(() => h.of('response.done').length >= n);

describe('RealtimeSession: session', () => {
  it('announces itself with the protocol version and extensions', () => {
    const { h } = started();
    const [created] = h.of('session.created');
    expect(created?.session).toMatchObject({
      'sotto:protocol_version': PROTOCOL_VERSION,
      'sotto:extensions': ['sotto.turn', 'sotto:timings', 'sotto.heartbeat'],
      audio: { input: { turn_detection: null } },
    });
  });

  it('session.update fills server_vad defaults, maps semantic_vad, refuses fields one by one', async () => {
    const { h, s } = started({ vad: new LoudnessModel() });
    s.receive(
      wire({ type: 'session.update', session: { audio: { input: { turn_detection: { type: 'server_vad' } } } } }),
    );
    expect(h.of('session.updated')[0]?.session.audio?.input?.turn_detection).toEqual({
      type: 'server_vad',
      ...SERVER_VAD_DEFAULTS,
    });
    // An official OpenAI client's default update: semantic_vad runs as server VAD, the rest applies.
    s.receive(
      wire({
        type: 'session.update',
        event_id: 'u2',
        session: {
          type: 'realtime',
          instructions: 'be kind',
          output_modalities: ['text'],
          audio: { input: { turn_detection: { type: 'semantic_vad', eagerness: 'low' } } },
          prompt: { id: 'pmpt_1' },
        },
      }),
    );
    expect(h.of('error').map((e) => e.error)).toEqual([
      expect.objectContaining({ code: 'unsupported_value', event_id: 'u2', param: 'session.prompt' }),
      expect.objectContaining({ code: 'unsupported_value', event_id: 'u2', param: 'session.output_modalities' }),
    ]);
    expect(h.of('session.updated')[1]?.session).toMatchObject({
      instructions: 'be kind',
      output_modalities: ['audio'],
      audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 1000 } } },
    });
    // Nothing kept: an error, no session.updated.
    s.receive(wire({ type: 'session.update', event_id: 'u3', session: { output_modalities: ['text'] } }));
    expect(h.of('error').at(-1)?.error).toMatchObject({ event_id: 'u3', param: 'session.output_modalities' });
    expect(h.of('session.updated')).toHaveLength(2);
    s.receive(
      wire({ type: 'session.update', session: { instructions: 'x', audio: { input: { turn_detection: null } } } }),
    );
    expect(h.of('session.updated')[2]?.session).toMatchObject({
      instructions: 'x',
      audio: { input: { turn_detection: null } },
    });
    await Promise.resolve();
  });
});

describe('RealtimeSession: manual turns', () => {
  it('commit + response.create: user item, full response lifecycle, transcript and timings', async () => {
    const { h, s, brain } = started();
    s.pushAudio(audio(1000, true));
    s.receive(wire({ type: 'input_audio_buffer.commit' }));
    h.clock.now += 5;
    s.receive(wire({ type: 'response.create' }));
    await done(h);
    const committed = h.of('input_audio_buffer.committed')[0];
    expect(committed?.['sotto:audio_ms']).toBe(1000);
    expect(brain.turns[0]?.audio?.pcm.length).toBe(48_000);
    expect(types(h).slice(1)).toEqual([
      'input_audio_buffer.committed',
      'conversation.item.added',
      'conversation.item.done',
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      'response.output_audio_transcript.delta',
      'output_audio_buffer.started',
      'response.output_audio_transcript.delta',
      'output_audio_buffer.stopped',
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    const r = h.of('response.done')[0]?.response;
    expect(r?.status).toBe('completed');
    expect(r?.['sotto:timings']).toMatchObject({ commit_to_first_audio_ms: 5, audio_ms: 200 });
    expect(h.of('response.output_audio_transcript.done')[0]?.transcript).toBe('hello there');
    expect(s.conversation.items.map((i) => (i.type === 'message' ? i.role : i.type))).toEqual(['user', 'assistant']);
  });

  it("reports the brain's transcript of the user audio as input_audio_transcription.completed", async () => {
    const { h, s } = started({}, new ScriptedBrain(['ok'], 1, 'what time is it'));
    s.pushAudio(audio(300, true));
    s.receive(wire({ type: 'input_audio_buffer.commit' }));
    s.receive(wire({ type: 'response.create' }));
    await done(h);
    const itemId = h.of('input_audio_buffer.committed')[0]?.item_id;
    expect(h.of('conversation.item.input_audio_transcription.completed')[0]).toEqual({
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: itemId,
      content_index: 0,
      transcript: 'what time is it',
      usage: { type: 'duration', seconds: expect.any(Number) as number },
    });
    const item = s.conversation.get(itemId ?? '');
    expect(item?.type === 'message' && item.content[0]).toEqual({ type: 'input_audio', transcript: 'what time is it' });
  });

  it('refuses an empty commit, a second response, and a cancel with nothing to cancel', async () => {
    const { h, s } = started({ paceMs: 5 });
    s.receive(wire({ type: 'input_audio_buffer.commit', event_id: 'c1' }));
    expect(h.of('error')[0]?.error).toMatchObject({ code: 'input_audio_buffer_commit_empty', event_id: 'c1' });
    s.receive(wire({ type: 'response.cancel' }));
    expect(h.of('error')[1]?.error.code).toBe('response_cancel_not_active');
    s.receive(wire({ type: 'response.create' }));
    s.receive(wire({ type: 'response.create' }));
    expect(h.of('error')[2]?.error.code).toBe('conversation_already_has_active_response');
    await done(h);
  });

  it('clear empties the input buffer', () => {
    const { h, s } = started();
    s.pushAudio(audio(500, true));
    s.receive(wire({ type: 'input_audio_buffer.clear' }));
    expect(h.of('input_audio_buffer.cleared')).toHaveLength(1);
    s.receive(wire({ type: 'input_audio_buffer.commit' }));
    expect(h.of('error')[0]?.error.code).toBe('input_audio_buffer_commit_empty');
  });

  it('append adds 24 kHz PCM to the buffer', () => {
    const { h, s } = started();
    const pcm = new Int16Array(2400).fill(100); // 100 ms at 24 kHz
    s.receive(wire({ type: 'input_audio_buffer.append', audio: Buffer.from(pcm.buffer).toString('base64') }));
    s.receive(wire({ type: 'input_audio_buffer.commit' }));
    expect(h.of('input_audio_buffer.committed')[0]?.['sotto:audio_ms']).toBe(100);
  });

  it('response.cancel stops within one chunk, clears the sink and reports cancelled', async () => {
    const { h, s } = started({ paceMs: 5 }, new ScriptedBrain(['a', 'b', 'c'], 20));
    s.receive(wire({ type: 'response.create' }));
    await until(() => h.sink.written.length >= 3);
    s.receive(wire({ type: 'response.cancel' }));
    const writtenAtCancel = h.sink.written.length;
    await done(h);
    expect(h.sink.written.length - writtenAtCancel).toBeLessThanOrEqual(1);
    expect(h.sink.clears).toBe(1);
    const r = h.of('response.done')[0]?.response;
    expect(r?.status).toBe('cancelled');
    expect(r?.status_details).toEqual({
      type: 'cancelled',
      reason: 'client_cancelled',
      'sotto:reason': 'client_cancelled',
    });
    expect(types(h)).toContain('output_audio_buffer.cleared');
    expect(types(h)).not.toContain('output_audio_buffer.stopped');
    expect(r?.output?.[0]?.status).toBe('incomplete');
  });

  it('output_audio_buffer.clear cuts the reply too', async () => {
    const { h, s } = started({ paceMs: 5 }, new ScriptedBrain(['a', 'b'], 20));
    s.receive(wire({ type: 'response.create' }));
    await until(() => h.sink.written.length >= 2);
    s.receive(wire({ type: 'output_audio_buffer.clear' }));
    await done(h);
    expect(h.of('response.done')[0]?.response.status_details).toMatchObject({ 'sotto:reason': 'output_cleared' });
    expect(h.of('output_audio_buffer.cleared')).toHaveLength(1);
  });
});

describe('RealtimeSession: conversation items', () => {
  it('creates, retrieves and deletes items; answers typed text', async () => {
    const { h, s, brain } = started();
    s.receive(
      wire({
        type: 'conversation.item.create',
        item: { id: 'u1', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi there' }] },
      }),
    );
    expect(h.of('conversation.item.added')[0]).toMatchObject({
      previous_item_id: null,
      item: { id: 'u1', status: 'completed' },
    });
    expect(h.of('conversation.item.done')).toHaveLength(1);
    s.receive(wire({ type: 'response.create' }));
    await done(h);
    expect(brain.turns[0]?.text).toBe('hi there');
    s.receive(wire({ type: 'conversation.item.retrieve', item_id: 'u1' }));
    expect(h.of('conversation.item.retrieved')[0]?.item.id).toBe('u1');
    s.receive(
      wire({
        type: 'conversation.item.create',
        previous_item_id: 'nope',
        item: { type: 'message', role: 'user', content: [] },
      }),
    );
    expect(h.of('error')[0]?.error).toMatchObject({ code: 'item_not_found', param: 'previous_item_id' });
    s.receive(
      wire({ type: 'conversation.item.create', item: { id: 'u1', type: 'message', role: 'user', content: [] } }),
    );
    expect(h.of('error')[1]?.error.code).toBe('invalid_event');
    s.receive(wire({ type: 'conversation.item.delete', item_id: 'u1' }));
    expect(h.of('conversation.item.deleted')[0]?.item_id).toBe('u1');
    s.receive(wire({ type: 'conversation.item.delete', item_id: 'u1' }));
    expect(h.of('error')[2]?.error.code).toBe('item_not_found');
  });

  it('response.create with conversation "none" keeps the reply out of the history', async () => {
    const { h, s } = started();
    s.receive(wire({ type: 'response.create', response: { conversation: 'none', metadata: { k: 'v' } } }));
    await done(h);
    expect(s.conversation.items).toHaveLength(0);
    expect(h.of('response.done')[0]?.response).toMatchObject({ metadata: { k: 'v' } });
  });

  it('truncate cuts the assistant audio and transcript at audio_end_ms, never beyond what was sent', async () => {
    const { h, s } = started(); // 2 words x 5 chunks x 20 ms = 200 ms sent
    s.receive(wire({ type: 'response.create' }));
    await done(h);
    const itemId = h.of('response.done')[0]?.response.output?.[0]?.id ?? '';
    s.receive(wire({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 201 }));
    expect(h.of('error')[0]?.error).toMatchObject({ code: 'audio_end_ms_out_of_range', param: 'audio_end_ms' });
    s.receive(wire({ type: 'conversation.item.truncate', item_id: itemId, content_index: 1, audio_end_ms: 10 }));
    expect(h.of('error')[1]?.error.code).toBe('invalid_content_index');
    s.receive(wire({ type: 'conversation.item.truncate', item_id: 'x', content_index: 0, audio_end_ms: 10 }));
    expect(h.of('error')[2]?.error.code).toBe('item_not_found');
    s.receive(wire({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 60 }));
    expect(h.of('conversation.item.truncated')[0]).toEqual({
      type: 'conversation.item.truncated',
      item_id: itemId,
      content_index: 0,
      audio_end_ms: 60,
    });
    const item = s.conversation.get(itemId);
    expect(item?.type === 'message' && item.content[0]).toEqual({ type: 'output_audio', transcript: 'hello' });
    // The cut is now the end: a later truncate cannot go past it.
    s.receive(wire({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 100 }));
    expect(h.of('error')[3]?.error.code).toBe('audio_end_ms_out_of_range');
  });

  it('truncating the reply in progress stops it', async () => {
    const { h, s } = started({ paceMs: 5 }, new ScriptedBrain(['a', 'b'], 30));
    s.receive(wire({ type: 'response.create' }));
    await until(() => h.sink.written.length >= 4);
    const itemId = h.of('response.output_item.added')[0]?.item.id ?? '';
    s.receive(wire({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 40 }));
    await done(h);
    expect(h.of('response.done')[0]?.response.status_details).toMatchObject({ 'sotto:reason': 'truncated' });
    expect(h.of('conversation.item.truncated')).toHaveLength(1);
  });
});

describe('RealtimeSession: speculative turn extension', () => {
  it('accepts sotto.turn.ending / resumed as hints: prepare() runs, nothing is sent', () => {
    const { h, s, brain } = started();
    const before = h.events.length;
    s.receive(wire({ type: 'sotto.turn.ending', 'sotto:silence_ms': 150 }));
    s.receive(wire({ type: 'sotto.turn.resumed' }));
    expect(brain.prepared).toBe(1);
    expect(h.events.length).toBe(before);
  });
});

describe('RealtimeSession: heartbeat extension', () => {
  it('answers sotto.ping with sotto.pong carrying the same nonce, and advertises sotto.heartbeat', () => {
    const { h, s } = started();
    s.receive(wire({ type: 'sotto.ping', 'sotto:nonce': 41 }));
    s.receive(wire({ type: 'sotto.ping', 'sotto:nonce': 42 }));
    expect(h.of('sotto.pong').map((e) => e['sotto:nonce'])).toEqual([41, 42]);
    expect(h.of('session.created')[0]?.session['sotto:extensions']).toContain('sotto.heartbeat');
  });
});

describe('RealtimeSession: hostile input', () => {
  it('survives 1,000 malformed events with bounded error replies, and serves again once the flood stops', async () => {
    const { h, s } = started();
    const garbage: unknown[] = [
      '{nope',
      [],
      'null',
      { type: 'x'.repeat(70) },
      { type: 'session.delete' },
      { type: '__proto__' },
      { type: 'conversation.item.truncate', item_id: 'i', content_index: -1, audio_end_ms: 1 },
      {
        type: 'session.update',
        session: { audio: { input: { turn_detection: { type: 'server_vad', threshold: 9 } } } },
      },
      { type: 'response.create', pad: 'x'.repeat(20_000) },
      { type: 'response.cancel', response_id: { $gt: '' } },
    ];
    for (let i = 0; i < 1000; i++) {
      expect(() => {
        s.receive(wire(garbage[i % garbage.length]), 'mallory');
      }).not.toThrow();
    }
    const errors = h.of('error');
    // 100 events accepted (each rejected as malformed) + one rate_limited report; the other 899 dropped silently.
    expect(errors.length).toBe(101);
    expect(errors.filter((e) => e.error.code === 'rate_limited')).toHaveLength(1);
    expect(new Set(errors.map((e) => e.error.code))).toEqual(
      new Set(['invalid_json', 'invalid_event', 'unknown_event', 'event_too_large', 'rate_limited']),
    );
    // Two seconds later the bucket has refilled: the session serves normally.
    h.clock.now += 2000;
    s.pushAudio(audio(300, true));
    s.receive(wire({ type: 'input_audio_buffer.commit' }), 'mallory');
    s.receive(wire({ type: 'response.create' }), 'mallory');
    await done(h);
    expect(h.of('response.done')[0]?.response.status).toBe('completed');
  });
});

describe('RealtimeSession: server VAD', () => {
  async function vadSession(createResponse = true) {
    const model = new LoudnessModel();
    const ctx = started({ vad: model, paceMs: 2 }, new ScriptedBrain(['a', 'b'], 25));
    ctx.s.receive(
      wire({
        type: 'session.update',
        session: { audio: { input: { turn_detection: { type: 'server_vad', create_response: createResponse } } } },
      }),
    );
    await until(() => model.runs >= 0 && ctx.h.of('session.updated').length === 1);
    await new Promise((r) => setTimeout(r, 5)); // model "load" resolves
    return { ...ctx, model };
  }

  it('detects speech start/stop with OpenAI semantics, commits the turn and answers it', async () => {
    const { h, s } = await vadSession();
    s.pushAudio(audio(1024, false));
    s.pushAudio(audio(1024, true));
    s.pushAudio(audio(1024, false));
    await done(h);
    const started_ = h.of('input_audio_buffer.speech_started')[0];
    const stopped = h.of('input_audio_buffer.speech_stopped')[0];
    // Speech begins at 1024 ms (a window edge); the reported start includes the 300 ms prefix padding.
    expect(started_?.audio_start_ms).toBe(1024 - 300);
    // Speech ends at 2048 ms; the stop is reported after 500 ms of silence, rounded up to 32 ms windows.
    expect(stopped?.audio_end_ms).toBeGreaterThanOrEqual(2048 + 500);
    expect(stopped?.audio_end_ms).toBeLessThanOrEqual(2048 + 500 + 32);
    expect(stopped?.item_id).toBe(started_?.item_id);
    const committed = h.of('input_audio_buffer.committed')[0];
    expect(committed?.item_id).toBe(started_?.item_id);
    // The turn holds prefix + speech + silence.
    expect(committed?.['sotto:audio_ms']).toBe((stopped?.audio_end_ms ?? 0) - (started_?.audio_start_ms ?? 0));
    expect(h.of('response.done')[0]?.response.status).toBe('completed');
  });

  it('create_response false commits without answering; speech during a reply interrupts it', async () => {
    const { h, s } = await vadSession(false);
    s.pushAudio(audio(512, true));
    s.pushAudio(audio(704, false));
    await until(() => h.of('input_audio_buffer.committed').length === 1);
    expect(h.of('response.created')).toHaveLength(0);
    s.receive(wire({ type: 'response.create' }));
    await until(() => h.sink.written.length >= 3);
    s.pushAudio(audio(256, true));
    await done(h);
    expect(h.of('response.done')[0]?.response.status_details).toMatchObject({ reason: 'turn_detected' });
  });
});

describe('RealtimeSession: idle timeout', () => {
  it('after a reply, idle_timeout_ms without speech triggers a turn and a response', async () => {
    const model = new LoudnessModel();
    const { h, s } = started({ vad: model }, new ScriptedBrain(['a'], 2));
    s.receive(
      wire({
        type: 'session.update',
        session: { audio: { input: { turn_detection: { type: 'server_vad', idle_timeout_ms: 1000 } } } },
      }),
    );
    await new Promise((r) => setTimeout(r, 5));
    s.pushAudio(audio(500, true));
    s.pushAudio(audio(704, false));
    await done(h);
    s.pushAudio(audio(900, false));
    expect(h.of('input_audio_buffer.timeout_triggered')).toHaveLength(0);
    s.pushAudio(audio(200, false));
    const [t] = h.of('input_audio_buffer.timeout_triggered');
    expect(t).toBeDefined();
    expect((t?.audio_end_ms ?? 0) - (t?.audio_start_ms ?? 0)).toBeGreaterThanOrEqual(1000);
    await done(h, 2);
    expect(h.of('input_audio_buffer.committed').at(-1)?.item_id).toBe(t?.item_id);
  });
});
