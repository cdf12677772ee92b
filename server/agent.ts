/**
 * The job entry of the agent worker: the LiveKit agent framework runs this in a job process for each
 * room dispatched to this worker. One RealtimeSession per room.
 */
import { AutoSubscribe, defineAgent, log, type JobContext } from '@livekit/agents';
import { RoomEvent } from '@livekit/rtc-node';
import { createBrain } from './brains/index.ts';
import { RealtimeSession } from './realtime-session.ts';

export default defineAgent({
  entry: async (ctx: JobContext) => {
    const logger = log().child({ room: ctx.job.room?.name });
    await ctx.connect(undefined, AutoSubscribe.AUDIO_ONLY);
    const session = new RealtimeSession(ctx.room, createBrain(process.env.SOTTO_BRAIN ?? 'echo'), (msg, extra) => {
      logger.info(extra ?? {}, msg);
    });
    ctx.addShutdownCallback(() => session.close());
    // One session per room: when the last user leaves, end the job now rather than when LiveKit closes
    // the empty room (20 s later), so the worker's slot is free for the next room.
    ctx.room.on(RoomEvent.ParticipantDisconnected, () => {
      if (ctx.room.remoteParticipants.size === 0) ctx.shutdown('last user left');
    });
    await session.start();
    logger.info({ session: session.id }, 'realtime session started');
  },
});
