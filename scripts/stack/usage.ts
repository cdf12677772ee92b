/** What `npm start` tells an app developer about its dev stack (pure). */
import { StackError } from './ports.ts';

export interface StackKeys {
  apiKey: string;
  apiSecret: string;
}

/**
 * The API key pair from `LIVEKIT_API_KEY` + `LIVEKIT_API_SECRET`, or null when neither is set (a random
 * pair then). One without the other is an error, as is a secret livekit-server would refuse.
 */
export function keysFromEnv(env: Record<string, string | undefined>): StackKeys | null {
  const apiKey = env.LIVEKIT_API_KEY ?? '';
  const apiSecret = env.LIVEKIT_API_SECRET ?? '';
  if (!apiKey && !apiSecret) return null;
  if (!apiKey || !apiSecret) {
    throw new StackError('set both LIVEKIT_API_KEY and LIVEKIT_API_SECRET, or neither (a random pair is made)');
  }
  if (apiSecret.length < 32) throw new StackError('LIVEKIT_API_SECRET must be at least 32 characters');
  return { apiKey, apiSecret };
}

/** The lines printed once the stack is up: the variables an app's server sets, and how it mints tokens. */
export function devStackUsage(o: { livekitUrl: string; command?: string } & StackKeys): string {
  return [
    '',
    `  Your own app against this stack (dev only; \`${o.command ?? 'npm start'}\` reads the key pair back from these):`,
    `    export LIVEKIT_URL=${o.livekitUrl}`,
    `    export LIVEKIT_API_KEY=${o.apiKey}`,
    `    export LIVEKIT_API_SECRET=${o.apiSecret}`,
    "  Its server mints each page's token: import { issueToken, tokenOptionsFromEnv } from '@sotto/agent/token'",
    "  and the page calls connect({ url, token }) from 'sotto' (docs/quick-start.md).",
  ].join('\n');
}
