/** Starts livekit-server + one agent worker for the integration run; the returned teardown stops both. */
import type { TestProject } from 'vitest/node';
import { startTestStack } from '../testing/stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: { url: string; apiKey: string; apiSecret: string; runDir: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await startTestStack('integration', {
    SOTTO_MAX_JOBS: '16',
    SOTTO_IDLE_PROCESSES: '2',
    SOTTO_REJOIN_GRACE_MS: '5000',
  });
  project.provide('stack', { url: stack.url, apiKey: stack.apiKey, apiSecret: stack.apiSecret, runDir: stack.runDir });
  return () => stack.stop();
}
