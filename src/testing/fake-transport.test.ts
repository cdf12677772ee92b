import { describe, expect, it } from 'vitest';
import { SottoError } from '../errors.ts';
import type { ServerEvent } from '../protocol/index.ts';
import { FakeTransport } from './fake-transport.ts';

const mic = {} as MediaStreamTrack;

describe('FakeTransport', () => {
  it('records client events and answers with the default script', async () => {
    const fake = new FakeTransport();
    const got: ServerEvent[] = [];
    fake.on('server_event', (e) => got.push(e));
    await fake.connect({ micTrack: mic });
    await fake.send({ type: 'input_audio_buffer.commit' });
    await fake.send({ type: 'response.create' });
    await Promise.resolve();
    expect(fake.sent.map((e) => e.type)).toEqual(['input_audio_buffer.commit', 'response.create']);
    expect(got.map((e) => e.type)).toEqual([
      'session.created',
      'input_audio_buffer.committed',
      'response.created',
      'response.done',
    ]);
    expect(new Set(got.map((e) => e.event_id)).size).toBe(4);
  });

  it('uses a custom script', async () => {
    const fake = new FakeTransport({
      autoSessionCreated: false,
      script: (e) => (e.type === 'response.create' ? [{ type: 'input_audio_buffer.cleared' }] : undefined),
    });
    const got: string[] = [];
    fake.on('server_event', (e) => got.push(e.type));
    await fake.connect({ micTrack: mic });
    await fake.send({ type: 'response.create' });
    await Promise.resolve();
    expect(got).toEqual(['input_audio_buffer.cleared']);
  });

  it('rejects sends when not connected, and connect when told to fail', async () => {
    const fake = new FakeTransport();
    await expect(fake.send({ type: 'response.create' })).rejects.toMatchObject({ code: 'not_connected' });
    const failing = new FakeTransport({ failConnect: new SottoError('token_rejected', 'nope') });
    await expect(failing.connect({ micTrack: mic })).rejects.toMatchObject({ code: 'token_rejected' });
    expect(failing.status).toBe('closed');
  });

  it('reports status, health and mic changes', async () => {
    const fake = new FakeTransport();
    const statuses: string[] = [];
    fake.on('status', (s) => statuses.push(s));
    await fake.connect({ micTrack: mic });
    fake.setStatus('reconnecting');
    await fake.setMicEnabled(false);
    await fake.close();
    expect(statuses).toEqual(['connected', 'reconnecting', 'closed']);
    expect(fake.micEnabled).toBe(false);
  });
});
