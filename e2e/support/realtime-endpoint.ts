/**
 * Sotto's OpenAI-compatible endpoint for one e2e file (the run's global setup does not start it): started
 * on a free port with the echo brain and no server VAD (the SDK ends turns itself), stopped by `stop()`
 * and, should the worker exit without it, killed with its process group on exit.
 */
import { join } from 'node:path';
import { freeTcpPort } from '../../scripts/stack/ports.ts';
import { startRealtime, type RealtimeHandle } from '../../scripts/stack/realtime.ts';
import { root } from '../browser.ts';

/** Starts the endpoint on `port` (default a free one). */
export async function startEndpoint(tag: string, port?: number): Promise<RealtimeHandle> {
  const handle = await startRealtime({
    root,
    runDir: join(root, 'test-results', `realtime-${tag}-${String(process.pid)}`),
    port: port ?? (await freeTcpPort()),
    env: { SOTTO_REALTIME_TURN_DETECTION: 'none' },
  });
  const kill = (): void => {
    try {
      process.kill(-handle.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  process.once('exit', kill);
  return {
    ...handle,
    async stop(graceMs?: number) {
      process.off('exit', kill);
      await handle.stop(graceMs);
    },
  };
}
