/**
 * A stock LiveKit Agents voice agent (the job entry): `voice.AgentSession` with Silero VAD and the fakes,
 * published to the room by the framework's own RoomIO (lk.agent.state, lk.transcription, lk.chat). Nothing
 * of Sotto in it: this is what a user's existing LiveKit agent looks like. Its TTS is a tone, or espeak-ng
 * with STOCK_AGENT_TTS=espeak.
 *
 * The opt-in variant (a room whose name contains `sotto-turns`, or STOCK_AGENT_SOTTO_TURNS=1): the same
 * agent with `turnDetection: 'manual'` plus `acceptSottoTurns()` (`@sotto/agent/livekit-agents`), so its
 * user's turns end only when Sotto's client says so.
 */
import { defineAgent, voice, type JobContext, type JobProcess } from '@livekit/agents';
import * as silero from '@livekit/agents-plugin-silero';
import { acceptSottoTurns } from '../../../server/livekit-agents-turns.ts';
import { DurationStt, EchoLlm, EspeakTts, ToneTts } from './fakes.ts';

export default defineAgent({
  prewarm: async (proc: JobProcess) => {
    proc.userData.vad = await silero.VAD.load();
  },
  entry: async (ctx: JobContext) => {
    await ctx.connect();
    const sottoTurns = process.env.STOCK_AGENT_SOTTO_TURNS === '1' || (ctx.room.name ?? '').includes('sotto-turns');
    const session = new voice.AgentSession({
      vad: ctx.proc.userData.vad as silero.VAD,
      stt: new DurationStt(),
      llm: new EchoLlm(),
      // STOCK_AGENT_TTS=espeak: the interop bench's setting (the same TTS as its Python stock agent).
      tts: process.env.STOCK_AGENT_TTS === 'espeak' ? new EspeakTts() : new ToneTts(),
      ...(sottoTurns ? { turnHandling: { turnDetection: 'manual' as const } } : {}),
    });
    await session.start({ agent: new voice.Agent({ instructions: 'Repeat what the user said.' }), room: ctx.room });
    if (sottoTurns) {
      await acceptSottoTurns(session, ctx.room, {
        onTurnEnd: ({ identity }) => {
          console.log(`[stock-agent] sotto.end_of_turn from ${identity}`);
        },
      });
    }
  },
});
