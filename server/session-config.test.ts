import { describe, expect, it } from 'vitest';
import { SERVER_VAD_DEFAULTS, type SessionConfig } from '../src/protocol/index.ts';
import { applySessionUpdate, initialSession } from './session-config.ts';

describe('session config', () => {
  const s0 = initialSession('sess_1', 'echo', null);

  it('keeps omitted fields and fills server_vad defaults', () => {
    const r = applySessionUpdate(s0, {
      audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 300 } } },
    });
    expect(r.refused).toEqual([]);
    expect(r.session.audio?.input?.turn_detection).toEqual({
      ...SERVER_VAD_DEFAULTS,
      type: 'server_vad',
      silence_duration_ms: 300,
    });
    expect(r.session.audio?.output?.voice).toBe('slt');
    const back = applySessionUpdate(r.session, { instructions: 'x' });
    expect(back.session.audio?.input?.turn_detection).toMatchObject({ silence_duration_ms: 300 });
    expect(back.session.instructions).toBe('x');
  });

  it('runs semantic_vad as server VAD, its eagerness as the silence that ends a turn', () => {
    const r = applySessionUpdate(s0, { audio: { input: { turn_detection: { type: 'semantic_vad' } } } });
    expect(r.refused).toEqual([]);
    expect(r.session.audio?.input?.turn_detection).toEqual({ ...SERVER_VAD_DEFAULTS, type: 'server_vad' });
    const low = applySessionUpdate(s0, {
      audio: { input: { turn_detection: { type: 'semantic_vad', eagerness: 'low', interrupt_response: false } } },
    });
    expect(low.session.audio?.input?.turn_detection).toMatchObject({
      type: 'server_vad',
      silence_duration_ms: 1000,
      interrupt_response: false,
      create_response: true,
    });
    const high = applySessionUpdate(s0, {
      audio: { input: { turn_detection: { type: 'semantic_vad', eagerness: 'high' } } },
    });
    expect(high.session.audio?.input?.turn_detection).toMatchObject({ silence_duration_ms: 300 });
  });

  it('refuses each unsupported field on its own, naming it, and applies the rest', () => {
    const update = {
      type: 'realtime',
      instructions: 'be brief',
      output_modalities: ['text'],
      audio: {
        input: { format: { type: 'audio/pcmu' }, turn_detection: { type: 'semantic_vad' } },
        output: { format: { type: 'audio/pcm', rate: 16000 }, voice: 'marin' },
      },
      tracing: { workflow_name: 'kept out' },
      reasoning: { effort: 'high' },
      prompt: { id: 'pmpt_1' },
      include: ['item.input_audio_transcription.logprobs'],
      truncation: 'auto',
    } as unknown as SessionConfig;
    const r = applySessionUpdate(s0, update);
    expect(r.refused.map((x) => x.param).sort()).toEqual([
      'session.audio.input.format',
      'session.audio.output.format',
      'session.include',
      'session.output_modalities',
      'session.prompt',
      'session.reasoning',
    ]);
    expect(r.applied).toBe(true);
    expect(r.session.instructions).toBe('be brief');
    expect(r.session.output_modalities).toEqual(['audio']);
    expect(r.session.audio?.input?.format).toEqual({ type: 'audio/pcm', rate: 24000 });
    expect(r.session.audio?.input?.turn_detection).toMatchObject({ type: 'server_vad' });
    expect(r.session.audio?.output).toMatchObject({ voice: 'marin', format: { type: 'audio/pcm', rate: 24000 } });
    expect(r.session).not.toHaveProperty('tracing');
  });

  it('accepts the GA values that mean the server default, and nulls as off', () => {
    const update = {
      tracing: 'auto',
      prompt: null,
      reasoning: null,
      include: [],
      truncation: 'auto',
      parallel_tool_calls: false,
      audio: { input: { transcription: null, noise_reduction: null } },
    } as unknown as SessionConfig;
    const withTranscription = applySessionUpdate(s0, {
      audio: { input: { transcription: { model: 'whisper-1' }, noise_reduction: { type: 'near_field' } } },
    }).session;
    expect(withTranscription.audio?.input?.transcription).toEqual({ model: 'whisper-1' });
    const r = applySessionUpdate(withTranscription, update);
    expect(r.refused).toEqual([]);
    expect(r.session.audio?.input).not.toHaveProperty('transcription');
    expect(r.session.audio?.input).not.toHaveProperty('noise_reduction');
  });

  it('reports an update whose every field was refused as not applied', () => {
    const r = applySessionUpdate(s0, { output_modalities: ['text'] });
    expect(r).toMatchObject({ applied: false, refused: [{ param: 'session.output_modalities' }] });
    expect(r.session).toEqual(s0);
  });
});
