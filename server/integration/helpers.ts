import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { FliteTts } from '../tts/flite.ts';
import { resample, trimSilence } from '../tts/pcm.ts';
import { RtcClient } from '../testing/rtc-client.ts';

/**
 * True under vitest.integration.config.ts (which starts the stack). The unit config's patterns also
 * match the files in server/integration, so the integration suites skip themselves there.
 */
export const INTEGRATION = process.env.SOTTO_INTEGRATION === '1';

let tts: FliteTts | null = null;

/** Spoken English at 48 kHz (Flite), so server VAD hears real speech. */
export function say(text: string): Int16Array {
  tts ??= new FliteTts('rms');
  const s = tts.synthesize(text);
  return resample(trimSilence(s.pcm, 400, 480), s.sampleRate, 48_000);
}

/** A client in a fresh room (the room dispatches a fresh agent job), ready once `session.created` arrived. */
export function joinFreshRoom(tag: string): Promise<RtcClient> {
  return joinRoom(`${tag}-${randomBytes(4).toString('hex')}`);
}

/**
 * A client in room `room` as `identity`, ready once `session.created` arrived (within `readyMs`: a job
 * process starting on a busy 2-core machine can take tens of seconds).
 */
export async function joinRoom(room: string, identity = 'user', readyMs = 30_000): Promise<RtcClient> {
  const stack = inject('stack');
  const client = await RtcClient.connect({
    url: stack.url,
    apiKey: stack.apiKey,
    apiSecret: stack.apiSecret,
    room,
    identity,
  });
  try {
    await client.waitFor('session.created', 1, readyMs);
  } catch (e) {
    await client.close();
    throw e;
  }
  return client;
}
