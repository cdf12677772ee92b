import { describe, expect, it } from 'vitest';
import { SERVER_VAD_DEFAULTS } from '../src/protocol/index.ts';
import { applySessionUpdate, initialSession } from './session-config.ts';

describe('session config', () => {
  const s0 = initialSession('sess_1', 'echo', null);

  it('keeps omitted fields and fills server_vad defaults', () => {
    const r = applySessionUpdate(s0, {
      audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 300 } } },
    });
    expect(r.ok && r.session.audio?.input?.turn_detection).toEqual({
      ...SERVER_VAD_DEFAULTS,
      type: 'server_vad',
      silence_duration_ms: 300,
    });
    expect(r.ok && r.session.audio?.output?.voice).toBe('slt');
    const back = r.ok ? applySessionUpdate(r.session, { instructions: 'x' }) : r;
    expect(back.ok && back.session.audio?.input?.turn_detection).toMatchObject({ silence_duration_ms: 300 });
  });

  it('refuses what the server cannot do, naming the parameter', () => {
    expect(applySessionUpdate(s0, { audio: { input: { turn_detection: { type: 'semantic_vad' } } } })).toMatchObject({
      ok: false,
      param: 'session.audio.input.turn_detection.type',
    });
    expect(applySessionUpdate(s0, { audio: { input: { format: { type: 'audio/pcmu' } } } })).toMatchObject({
      ok: false,
    });
    expect(applySessionUpdate(s0, { output_modalities: ['text'] })).toMatchObject({ ok: false });
  });
});
