/**
 * `npm start`: the demo stack on loopback — livekit-server, the agent worker (echo brain) and the demo
 * page, plus the OpenAI-compatible endpoint (ws:// and wss:// /v1/realtime, see server/README.md). Ports:
 * SOTTO_LIVEKIT_PORT (7880), SOTTO_LIVEKIT_RTC_PORT (UDP, 7882), SOTTO_DEMO_PORT (5173), SOTTO_REALTIME_PORT (7890);
 * SOTTO_API_KEY is the key the endpoint requires (unset: loopback clients, any key);
 * SOTTO_BRAIN picks the brain (echo); SOTTO_RUN_DIR moves logs and pid files (default: a private folder
 * outside the repository, printed at start; never inside it, which the demo server serves);
 * LIVEKIT_API_KEY + LIVEKIT_API_SECRET fix the API key pair (default: a fresh random one). Ctrl-C or
 * SIGTERM stops every child. It prints how an app of yours uses the stack (the variables to set).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { devStackUsage, keysFromEnv } from './stack/usage.ts';
import { envPort, privateRunDir, requirePort, StackError, startStack, type Stack } from './stack/index.ts';
import { whichSync } from './tools.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const livekitPort = envPort('SOTTO_LIVEKIT_PORT', 7880);
  const rtcPort = envPort('SOTTO_LIVEKIT_RTC_PORT', 7882);
  const demoPort = envPort('SOTTO_DEMO_PORT', 5173);
  await requirePort(livekitPort, 'LiveKit signal', 'SOTTO_LIVEKIT_PORT');
  await requirePort(rtcPort, 'LiveKit RTC/UDP', 'SOTTO_LIVEKIT_RTC_PORT', true);
  await requirePort(demoPort, 'demo page', 'SOTTO_DEMO_PORT');
  const realtimePort = envPort('SOTTO_REALTIME_PORT', 7890);
  await requirePort(realtimePort, 'OpenAI-compatible endpoint', 'SOTTO_REALTIME_PORT');
  // wss:// (which the official openai SDK insists on) needs a certificate: a local self-signed one.
  const realtimeTls = whichSync('openssl') !== null;
  const keys = keysFromEnv(process.env);

  let stack: Stack | null = null;
  const flags = { stopping: false };
  const shutdown = (why: string, code: number): void => {
    if (flags.stopping) return;
    flags.stopping = true;
    console.log(`\n[sotto] ${why}: stopping the stack…`);
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(code));
  };
  process.on('SIGINT', () => {
    shutdown('SIGINT', 0);
  });
  process.on('SIGTERM', () => {
    shutdown('SIGTERM', 0);
  });

  const t0 = performance.now();
  stack = await startStack({
    root,
    runDir: privateRunDir(root, 'stack', process.env.SOTTO_RUN_DIR === '' ? undefined : process.env.SOTTO_RUN_DIR),
    livekitPort,
    rtcPort,
    demoPort,
    realtimePort,
    realtimeTls,
    ...(process.env.SOTTO_BRAIN ? { brain: process.env.SOTTO_BRAIN } : {}),
    ...(keys ? { keys } : {}),
    echo: process.env.SOTTO_VERBOSE === '1',
  });
  if (flags.stopping) {
    await stack.stop();
    return;
  }
  const s = stack;
  console.log(`[sotto] stack up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`[sotto]   livekit-server  ${s.livekit.url}  (pid ${s.livekit.pid})`);
  console.log(`[sotto]   agent worker    brain=${process.env.SOTTO_BRAIN ?? 'echo'}  (pid ${s.agent.pid})`);
  if (s.realtime) {
    const tls = s.realtime.tlsUrl ? `  and  ${s.realtime.tlsUrl}` : '';
    console.log(`[sotto]   OpenAI-compatible  ${s.realtime.url}${tls}  (pid ${s.realtime.pid})`);
    console.log(`[sotto]                      WebRTC: POST ${s.realtime.callsUrl}`);
    if (s.realtime.certPath)
      console.log(`[sotto]                      trust for wss://: NODE_EXTRA_CA_CERTS=${s.realtime.certPath}`);
  }
  console.log(`[sotto]   logs            ${s.runDir}`);
  console.log(devStackUsage({ livekitUrl: s.livekit.url, apiKey: s.livekit.apiKey, apiSecret: s.livekit.apiSecret }));
  console.log(`\n  Demo: ${s.demo.url}\n\n  Ctrl-C stops everything.`);
  // A child that dies takes the stack down with a clear message instead of leaving half a stack.
  void Promise.race([
    s.livekit.exited.then((w) => `livekit-server exited (${w})`),
    s.agent.exited.then((w) => `agent worker exited (${w})`),
    ...(s.realtime ? [s.realtime.exited.then((w) => `OpenAI-compatible endpoint exited (${w})`)] : []),
  ]).then((why) => {
    if (!flags.stopping) shutdown(`${why}; see ${s.runDir}`, 1);
  });
}

main().catch((e: unknown) => {
  if (e instanceof StackError) {
    console.error(`[sotto] ERROR: ${e.message}`);
    process.exit(1);
  }
  console.error(e);
  process.exit(1);
});
