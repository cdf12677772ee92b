/**
 * Every event the server emits, over a session that goes through every flow (configuration, typed and
 * spoken turns with a transcript, cancel, truncate, server VAD, typed input from lk.chat, errors), goes
 * through the SDK's parser as the client receives it, and through the official OpenAI Agents SDK's runtime
 * schemas (@openai/agents-realtime): zero schema failures. (The same events are
 * assignable to the openai SDK's GA types at compile time: src/protocol/conformance/ga-types.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { encodeEvent, parseServerEvent, type OutgoingServerEvent } from '../src/protocol/index.ts';
import { RealtimeSession } from './realtime-session.ts';
import { officialSchemaFailures } from './testing/official-schema.ts';
import { audio, harness, LoudnessModel, ScriptedBrain, until, wire } from './testing/fakes.ts';

describe('server events conform', () => {
  it('every event of every flow parses on the client', async () => {
    const h = harness({ paceMs: 1, vad: new LoudnessModel() });
    const s = new RealtimeSession(h.io, new ScriptedBrain(['one', 'two', 'three'], 4, 'what time is it'), {});
    const done = (n: number): Promise<void> => until(() => h.of('response.done').length >= n, 5000);
    s.start();
    s.receive(wire({ type: 'session.update', session: { type: 'realtime', instructions: 'be brief' } }));
    s.receive(wire({ type: 'session.update', session: { audio: { input: { transcription: null } } } })); // older client
    // A spoken turn with the brain's transcript of it.
    s.pushAudio(audio(400, true));
    s.receive(wire({ type: 'input_audio_buffer.commit' }));
    s.receive(wire({ type: 'response.create' }));
    await done(1);
    // A typed turn, cancelled mid-reply; then truncated.
    s.receive(
      wire({
        type: 'conversation.item.create',
        previous_item_id: 'root',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] },
      }),
    );
    s.receive(wire({ type: 'response.create', response: { metadata: { k: 'v' } } }));
    await until(() => h.of('output_audio_buffer.started').length >= 2);
    await until(() => h.sink.written.length >= 15);
    const item = h.of('response.output_item.added')[1]?.item.id ?? '';
    s.receive(wire({ type: 'conversation.item.truncate', item_id: item, content_index: 0, audio_end_ms: 20 }));
    await done(2);
    s.receive(wire({ type: 'response.create', response: { conversation: 'none' } }));
    await until(() => h.of('output_audio_buffer.started').length >= 3);
    s.receive(wire({ type: 'response.cancel' }));
    await done(3);
    // lk.chat typed input.
    s.typedInput('good morning');
    await done(4);
    // Conversation operations and errors.
    s.receive(wire({ type: 'conversation.item.retrieve', item_id: item }));
    s.receive(wire({ type: 'conversation.item.delete', item_id: item }));
    s.receive(wire({ type: 'conversation.item.retrieve', item_id: 'nope' }));
    s.receive(wire({ type: 'input_audio_buffer.commit' }));
    s.receive(wire({ type: 'input_audio_buffer.clear' }));
    s.receive(wire({ type: 'output_audio_buffer.clear' }));
    s.receive(wire({ type: 'no.such.event' }));
    s.receive(wire('{not json'));
    s.receive(wire({ type: 'sotto.ping', 'sotto:nonce': 3 }));
    // Server VAD: speech starts, stops, is committed and answered.
    s.receive(
      wire({ type: 'session.update', session: { audio: { input: { turn_detection: { type: 'server_vad' } } } } }),
    );
    await new Promise((r) => setTimeout(r, 5));
    s.pushAudio(audio(512, false));
    s.pushAudio(audio(1024, true));
    s.pushAudio(audio(1024, false));
    await done(5);
    s.close();

    const failures = h.events
      .map((e: OutgoingServerEvent) => ({ e, r: parseServerEvent(encodeEvent({ event_id: 'event_1', ...e })) }))
      .filter(({ r }) => !r.ok)
      .map(({ e, r }) => `${e.type}: ${r.ok ? '' : r.message}`);
    expect(failures).toEqual([]);
    // The official Agents SDK's runtime schemas (events and the message items inside them), with the
    // event_id the transport adds.
    expect(officialSchemaFailures(h.events.map((e) => ({ event_id: 'event_1', ...e })))).toEqual([]);
    const types = new Set(h.events.map((e) => e.type));
    for (const t of [
      'session.created',
      'session.updated',
      'conversation.item.added',
      'conversation.item.input_audio_transcription.completed',
      'conversation.item.truncated',
      'conversation.item.retrieved',
      'conversation.item.deleted',
      'input_audio_buffer.committed',
      'input_audio_buffer.cleared',
      'input_audio_buffer.speech_started',
      'input_audio_buffer.speech_stopped',
      'response.content_part.added',
      'response.output_audio_transcript.delta',
      'output_audio_buffer.started',
      'output_audio_buffer.cleared',
      'response.done',
      'error',
      'sotto.pong',
    ] as const)
      expect(types, t).toContain(t);
    console.log(`${String(h.events.length)} events of ${String(types.size)} types, 0 schema failures`);
  });
});
