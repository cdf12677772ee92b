/**
 * The agents framework's reconnect delay, shortened in the bundled worker (esbuild plugin for
 * agent-build.ts). `@livekit/agents` 1.9 waits `min(2 * retries, 10)` s between attempts to re-register
 * with a LiveKit server that went away, so after a 30 s outage the worker comes back up to 10 s after the
 * server (measured: the chaos bench's server_kill / outage_30s with `fallback: 'off'` answered the first
 * turn 9.4-11 s after the server was back). Here the delay is `min(0.5 * retries, cap)` s with 25 %
 * jitter, `cap` = `SOTTO_LK_RECONNECT_MAX_S` (default 2): a failed attempt against a down server costs a
 * refused TCP connection, and the jitter spreads many workers over the cap.
 *
 * The build fails if the framework's line is not found exactly once (an upgrade changed it): look at the
 * new reconnect loop and adapt `FRAMEWORK_DELAY` rather than dropping the patch silently.
 */
import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/** The framework's delay expression (node_modules/@livekit/agents/dist/worker.js). */
export const FRAMEWORK_DELAY = 'const delay = Math.min(retries * 2, 10);';

export const SOTTO_DELAY =
  'const delay = Math.min(retries * 0.5, Number(process.env.SOTTO_LK_RECONNECT_MAX_S || 2)) * (0.75 + Math.random() * 0.25);';

/** The worker module's source with the delay replaced; throws when the framework's line is not there once. */
export function patchReconnectDelay(source: string, file: string): string {
  const first = source.indexOf(FRAMEWORK_DELAY);
  if (first < 0 || source.includes(FRAMEWORK_DELAY, first + 1)) {
    throw new Error(
      `${file}: the agents framework's reconnect delay (${FRAMEWORK_DELAY}) is not there exactly once; ` +
        'update scripts/stack/agent-reconnect.ts for this version of @livekit/agents',
    );
  }
  return source.replace(FRAMEWORK_DELAY, SOTTO_DELAY);
}

export function reconnectDelayPlugin(): Plugin {
  return {
    name: 'sotto-agents-reconnect-delay',
    setup(build) {
      build.onLoad({ filter: /[\\/]@livekit[\\/]agents[\\/]dist[\\/]worker\.js$/ }, async (args) => ({
        contents: patchReconnectDelay(await readFile(args.path, 'utf8'), args.path),
        loader: 'js',
      }));
    },
  };
}
