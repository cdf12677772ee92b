/**
 * The OpenAI-WebRTC transport (`transport: { kind: 'openai-webrtc' }`) against Sotto's `/v1/realtime/calls`: spoken
 * turns ended by client endpointing, replies heard, barge-in cut at the heard sample and truncated there,
 * a typed turn. See e2e/support/transport-conversation.ts.
 */
import { test } from '@playwright/test';
import type { RealtimeHandle } from '../scripts/stack/realtime.ts';
import { startEndpoint } from './support/realtime-endpoint.ts';
import { transportConversation } from './support/transport-conversation.ts';

let endpoint: RealtimeHandle | null = null;

test.beforeAll(async () => {
  endpoint = await startEndpoint('openai-webrtc');
});

test.afterAll(async () => {
  await endpoint?.stop();
});

test('WebRTC transport: spoken turns, barge-in, a typed turn', async () => {
  if (!endpoint) throw new Error('no endpoint');
  await transportConversation('openai-webrtc', endpoint.callsUrl);
});
