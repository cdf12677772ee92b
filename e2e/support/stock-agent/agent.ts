/**
 * A stock LiveKit Agents voice agent (the job entry): `voice.AgentSession` with Silero VAD and the fakes,
 * published to the room by the framework's own RoomIO (lk.agent.state, lk.transcription, lk.chat). Nothing
 * of Sotto in it: this is what a user's existing LiveKit agent looks like. Its TTS is a tone, or espeak-ng
 * with STOCK_AGENT_TTS=espeak.
 */
import { defineAgent, voice, type JobContext, type JobProcess } from '@livekit/agents';
import * as silero from '@livekit/agents-plugin-silero';
import { DurationStt, EchoLlm, EspeakTts, ToneTts } from './fakes.ts';

export default defineAgent({
  prewarm: async (proc: JobProcess) => {
    proc.userData.vad = await silero.VAD.load();
  },
  entry: async (ctx: JobContext) => {
    await ctx.connect();
    const session = new voice.AgentSession({
      vad: ctx.proc.userData.vad as silero.VAD,
      stt: new DurationStt(),
      llm: new EchoLlm(),
      // STOCK_AGENT_TTS=espeak: the interop bench's setting (the same TTS as its Python stock agent).
      tts: process.env.STOCK_AGENT_TTS === 'espeak' ? new EspeakTts() : new ToneTts(),
    });
    await session.start({ agent: new voice.Agent({ instructions: 'Repeat what the user said.' }), room: ctx.room });
  },
});
