/** What a stock LiveKit client gets from the session: server VAD by default, typed input, paced captions. */
import { describe, expect, it } from 'vitest';
import { RealtimeSession, type AgentTranscriptDelta } from './realtime-session.ts';
import { audio, harness, LoudnessModel, ScriptedBrain, until, wire } from './testing/fakes.ts';

describe('RealtimeSession: clients that do not speak the protocol', () => {
  it('a client silent for serverVadForSilentClientMs gets server VAD, and its spoken turn is answered', async () => {
    const h = harness({ vad: new LoudnessModel() });
    const s = new RealtimeSession(h.io, new ScriptedBrain(), { serverVadForSilentClientMs: 20 });
    s.start();
    await until(() => h.of('session.updated').length === 1);
    expect(h.of('session.updated')[0]?.session.audio?.input?.turn_detection).toMatchObject({ type: 'server_vad' });
    await new Promise((r) => setTimeout(r, 5)); // the model "loads"
    s.pushAudio(audio(1024, false));
    s.pushAudio(audio(1024, true));
    s.pushAudio(audio(1024, false));
    await until(() => h.of('response.done').length === 1);
    expect(h.of('input_audio_buffer.committed')).toHaveLength(1);
    s.close();
  });

  it('a client that sent any event keeps manual turns', async () => {
    const h = harness({ vad: new LoudnessModel() });
    const s = new RealtimeSession(h.io, new ScriptedBrain(), { serverVadForSilentClientMs: 20 });
    s.start();
    s.receive(wire({ type: 'sotto.ping', 'sotto:nonce': 1 }));
    await new Promise((r) => setTimeout(r, 40));
    expect(h.of('session.updated')).toHaveLength(0);
    expect(s.session.audio?.input?.turn_detection).toBeNull();
    s.close();
  });

  it('typed input interrupts the reply in progress and is answered', async () => {
    const h = harness({ paceMs: 2 });
    const brain = new ScriptedBrain(['one', 'two', 'three'], 10);
    const s = new RealtimeSession(h.io, brain, {});
    s.start();
    s.typedInput('hello');
    await until(() => h.sink.written.length >= 3);
    s.typedInput('stop that');
    await until(() => h.of('response.done').length === 2);
    expect(h.of('response.done').map((e) => e.response.status)).toEqual(['cancelled', 'completed']);
    expect(brain.turns.map((t) => t.text)).toEqual(['hello', 'stop that']);
    s.close();
  });

  it('reports each reply transcript delta with where it starts in the reply audio', async () => {
    const h = harness();
    const deltas: AgentTranscriptDelta[] = [];
    h.io.agentTranscript = (e) => deltas.push(e);
    const s = new RealtimeSession(h.io, new ScriptedBrain(['hi', 'there'], 5), {});
    s.start();
    s.typedInput('hello');
    await until(() => h.of('response.done').length === 1);
    // 5 chunks of 960 samples at 48 kHz per word: 100 ms per word.
    expect(deltas.map((d) => [d.delta, d.atMs])).toEqual([
      ['hi', 0],
      [' there', 100],
    ]);
    expect(deltas[0]?.itemId).toBe(h.of('response.output_item.added')[0]?.item.id);
    s.close();
  });
});
