/**
 * The job entry of the agent worker: the LiveKit agent framework runs this in a job process for each
 * room dispatched to this worker. One RealtimeSession per room. `prewarm` runs in each job process
 * before it gets a room (a few are kept idle), so the brain (TTS) is loaded by then, and the VAD model
 * when sessions start with server turn detection.
 */
import { AutoSubscribe, defineAgent, log, type JobContext, type JobProcess } from '@livekit/agents';
import { ParticipantKind, RoomEvent } from '@livekit/rtc-node';
import { SERVER_VAD_DEFAULTS } from '../src/protocol/index.ts';
import { createBrain, type Brain, type BrainOptions } from './brains/index.ts';
import { ConfigError, readConfig, type AgentConfig } from './config.ts';
import { LivekitSession } from './livekit-session.ts';
import { watchForSecondAgent } from './second-agent.ts';
import { SileroModel, loadSileroSession } from './vad/silero-model.ts';

interface ProcData extends Record<string, unknown> {
  config?: AgentConfig;
  brain?: Brain;
}

function agentConfig(): AgentConfig {
  // The job process inherits the worker's environment; keys are not needed here, only the options.
  try {
    return readConfig({ LIVEKIT_API_KEY: '-', LIVEKIT_API_SECRET: '-', ...process.env });
  } catch (e) {
    if (e instanceof ConfigError) log().error(e.message);
    throw e;
  }
}

const brainOptions = (c: AgentConfig): BrainOptions => ({
  echoMode: c.echoMode,
  localModelDir: c.localModelDir,
  openaiApiKey: process.env.OPENAI_API_KEY,
  openaiUrl: process.env.SOTTO_OPENAI_URL,
});

/**
 * A client that sends no Realtime event this long after the session starts (a stock LiveKit client) gets
 * server VAD by default. Sotto's SDK sends `session.update` as soon as it sees `session.created`.
 */
const SILENT_CLIENT_VAD_MS = 3000;

/** Test fault injection only (`SOTTO_TEST_DEAF_MS`): see LivekitSessionOptions.deafForMs. */
function testDeafMs(): number {
  const ms = Number(process.env.SOTTO_TEST_DEAF_MS ?? 0);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

export default defineAgent<ProcData>({
  prewarm: async (proc: JobProcess<ProcData>) => {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const config = agentConfig();
    proc.userData.config = config;
    proc.userData.brain = await createBrain(config.brain, brainOptions(config));
    // Server VAD's model (onnxruntime-node + Silero) only when sessions start with it; a client that turns
    // it on later loads it then (once per process).
    if (config.turnDetection === 'server_vad') await loadSileroSession();
    const cpu = process.cpuUsage(cpu0);
    // When this idle process was ready and what it cost (it may be warming while another process serves a
    // room on the same cores): wall ms, CPU ms, and the process's age (module loading before prewarm).
    log().info(
      {
        prewarmMs: Math.round(performance.now() - t0),
        prewarmCpuMs: Math.round((cpu.user + cpu.system) / 1000),
        processAgeMs: Math.round(process.uptime() * 1000),
      },
      'job process prewarmed',
    );
  },
  entry: async (ctx: JobContext<ProcData>) => {
    const logger = log().child({ room: ctx.job.room?.name });
    const config = ctx.proc.userData.config ?? agentConfig();
    const brain = ctx.proc.userData.brain ?? (await createBrain(config.brain, brainOptions(config)));
    // Subscribe to nothing by default: the session subscribes to its user's microphone only.
    await ctx.connect(undefined, AutoSubscribe.SUBSCRIBE_NONE);
    // One agent per room: a duplicate dispatch (a re-dispatch that raced a slow job start) leaves at once
    // rather than answer the user twice. A crashed job's participant is removed before its re-dispatch.
    const other = [...ctx.room.remoteParticipants.values()].find((p) => p.kind === ParticipantKind.AGENT);
    if (other) {
      logger.info({ other: other.identity }, 'room already has an agent; leaving');
      ctx.shutdown('room already served');
      return;
    }
    // After a LiveKit node died, this job's connection may come back to a room that LiveKit re-created
    // on another node and already gave a new agent: the one that came back leaves (second-agent.ts).
    watchForSecondAgent(ctx.room, (agent) => {
      logger.info({ other: agent }, 'back in a room that has another agent now; leaving');
      ctx.shutdown('room served by another agent');
    });
    const session = new LivekitSession(ctx.room, brain, {
      log: (msg, extra) => {
        logger.info(extra ?? {}, msg);
      },
      loadVadModel: () => SileroModel.load(),
      turnDetection: config.turnDetection === 'server_vad' ? { type: 'server_vad', ...SERVER_VAD_DEFAULTS } : null,
      // A stock LiveKit client never speaks the Realtime protocol: give it server VAD so it is answered.
      serverVadForSilentClientMs: SILENT_CLIENT_VAD_MS,
      ...(testDeafMs() > 0 ? { deafForMs: testDeafMs() } : {}),
    });
    ctx.addShutdownCallback(() => session.close());
    // One session per room. When the last user leaves, keep the session for `rejoinGraceMs` (a client
    // that rejoins after a network change finds its conversation), then end the job rather than wait
    // for LiveKit to close the empty room, so the worker's slot is free for the next room.
    let leaving: NodeJS.Timeout | null = null;
    ctx.room.on(RoomEvent.ParticipantDisconnected, () => {
      if (ctx.room.remoteParticipants.size > 0 || leaving) return;
      leaving = setTimeout(() => {
        if (ctx.room.remoteParticipants.size === 0) ctx.shutdown('last user left');
        leaving = null;
      }, config.rejoinGraceMs);
    });
    ctx.room.on(RoomEvent.ParticipantConnected, () => {
      if (leaving) clearTimeout(leaving);
      leaving = null;
    });
    await session.start();
    logger.info({ session: session.id, brain: brain.name }, 'realtime session started');
  },
});
