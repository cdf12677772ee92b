/**
 * The OpenAI-compatible endpoint as a process of its own: `ws(s)://<host>:<port>/v1/realtime`, served by
 * the same `RealtimeSession` as the LiveKit agent, with no LiveKit server needed. `npm start` runs it
 * beside the agent worker; `npm run realtime` runs it alone.
 *
 * Env: ./realtime-ws/config.ts (host, port, key, TLS, limits) and ./config.ts (`SOTTO_BRAIN`,
 * `SOTTO_ECHO_MODE`, `SOTTO_LOCAL_MODEL_DIR`). One brain serves every session of the process. Prints
 * `[realtime] listening on <url>` once it listens; stops cleanly on SIGINT / SIGTERM.
 */
import { createBrain } from './brains/index.ts';
import { ConfigError, readConfig } from './config.ts';
import { exitOnSignal } from './exit-on-signal.ts';
import { readRealtimeConfig } from './realtime-ws/config.ts';
import { CALLS_PATH } from './realtime-webrtc/calls-endpoint.ts';
import { RealtimeWsServer, REALTIME_PATH } from './realtime-ws/server.ts';
import { loadSileroSession, SileroModel } from './vad/silero-model.ts';

const log = (msg: string, extra?: Record<string, unknown>): void => {
  console.error(`[realtime] ${msg}${extra ? ` ${JSON.stringify(extra)}` : ''}`);
};

async function main(): Promise<void> {
  let config;
  let agent;
  try {
    config = readRealtimeConfig();
    // The brain options are the agent's; LiveKit's keys are not needed here.
    agent = readConfig({ LIVEKIT_API_KEY: '-', LIVEKIT_API_SECRET: '-', ...process.env });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`[realtime] ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  // Sessions start once the brain (and, when sessions start with server VAD, its model) is loaded.
  const vad = config.turnDetection === 'server_vad' ? loadSileroSession() : Promise.resolve();
  const brain = Promise.all([
    createBrain(agent.brain, {
      echoMode: agent.echoMode,
      localModelDir: agent.localModelDir,
      openaiApiKey: process.env.OPENAI_API_KEY,
      openaiUrl: process.env.SOTTO_OPENAI_URL,
    }),
    vad,
  ]).then(([b]) => b);
  brain.catch((e: unknown) => {
    log('the brain failed to load; exiting', { error: String(e) });
    process.exit(1);
  });
  const server = new RealtimeWsServer({ config, brain, loadVadModel: () => SileroModel.load(), log });
  exitOnSignal(() => server.close(), log);
  const port = await server.listen();
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const schemes = config.tls ? 'ws|wss' : 'ws';
  const http = config.tls ? 'http|https' : 'http';
  log(
    `listening on ${schemes}://${host}:${String(port)}${REALTIME_PATH} and POST ${http}://${host}:${String(port)}${CALLS_PATH}`,
    {
      brain: agent.brain,
      key: config.apiKey ? 'required' : 'none (loopback only)',
    },
  );
  await brain;
  log('ready');
}

main().catch((e: unknown) => {
  console.error('[realtime] fatal:', e);
  process.exit(1);
});
