/**
 * The interop page: Sotto's client with its defaults against whatever agent the room has (Sotto's, or a
 * stock LiveKit Agents agent). `?url=` and `?token=` say where; `?silenceMs=` as the demo. The e2e tests
 * read `window.sottoInterop`: states, transcripts, replies, metrics, errors, the agent's protocol.
 */
import { connect, type VoiceSession } from '../../src/index.ts';
import type { LiveKitTransport } from '../../src/transport/livekit/livekit-transport.ts';

const q = new URLSearchParams(location.search);
const button = document.querySelector<HTMLButtonElement>('#connect');
const stateEl = document.querySelector<HTMLElement>('#state');
if (!button || !stateEl) throw new Error('the interop page lacks #connect or #state');

const AGENT_EVENTS = new Set(['response.created', 'output_audio_buffer.started', 'response.done']);

const record = {
  session: null as VoiceSession | null,
  states: [] as string[],
  transcripts: [] as { role: string; itemId: string; text: string; final: boolean }[],
  responses: [] as { id: string; status: string }[],
  interruptions: 0,
  v2vMs: [] as number[],
  /** Every turn's metrics (marks on the page's clock, stages in ms), for the interop bench's breakdown. */
  turns: [] as { marks: Record<string, number>; stages: Record<string, number> }[],
  /**
   * Reply events (for a stock agent: made from its `lk.agent.state`) with when they came on the session's
   * clock (s), so the bench can split a turn at the agent's own decisions.
   */
  agentEvents: [] as [string, number][],
  /** Each state with when it came on the session's clock (its AudioContext's currentTime, s: the metrics' clock). */
  stateTimes: [] as [string, number][],
  errors: [] as string[],
  agentAudioStarts: 0,
  agentProtocol: null as string | null,
  /** Length of the instructions in each session.updated (an event over one data packet comes as a stream). */
  sessionUpdatedInstructions: [] as number[],
};
(window as unknown as { sottoInterop: typeof record }).sottoInterop = record;

button.addEventListener('click', () => {
  button.disabled = true;
  void (async () => {
    try {
      const silenceMs = q.get('silenceMs');
      const session = await connect({
        url: q.get('url') ?? '',
        token: q.get('token') ?? '',
        fallback: 'off',
        ...(silenceMs ? { vad: { endpointer: { silenceMs: Number(silenceMs) } } } : {}),
      });
      record.session = session;
      const note = (s: string): void => {
        record.states.push(s);
        record.stateTimes.push([s, session.audioContext.currentTime]);
        stateEl.textContent = s;
      };
      note(session.state);
      session.on('state', note);
      session.on('transcript', (t) => {
        record.transcripts.push({ role: t.role, itemId: t.itemId, text: t.text, final: t.final });
      });
      session.on('response_done', (r) => record.responses.push({ id: r.id, status: r.status }));
      session.on('interrupted', () => record.interruptions++);
      session.on('agent_audio_start', () => record.agentAudioStarts++);
      session.on('metrics', (m) => {
        if (m.stages.voice_to_voice !== undefined) record.v2vMs.push(m.stages.voice_to_voice);
        record.turns.push({ marks: { ...m.marks }, stages: { ...m.stages } });
      });
      session.on('error', (e) => record.errors.push(`${e.code}: ${e.message}`));
      session.on('server_event', (e) => {
        if (AGENT_EVENTS.has(e.type)) record.agentEvents.push([e.type, session.audioContext.currentTime]);
        if (e.type === 'session.updated') record.sessionUpdatedInstructions.push(e.session.instructions?.length ?? 0);
      });
      setInterval(() => {
        record.agentProtocol = (session.transport as LiveKitTransport | null)?.agentProtocol ?? null;
      }, 250);
    } catch (e) {
      record.errors.push(`connect: ${String(e)}`);
      stateEl.textContent = `failed: ${String(e)}`;
      button.disabled = false;
    }
  })();
});
