/**
 * `@sotto/agent/livekit-agents`: lets a stock LiveKit Agents voice agent (Node, `@livekit/agents` 1.9)
 * take its user's turn ends from Sotto's client, which decides them on the device (Silero, its endpointer
 * and optionally the end-of-turn model) about a second before the agent's own endpointing would.
 *
 * Opt-in, two lines in the agent's entry:
 *
 * ```ts
 * const session = new voice.AgentSession({ vad, stt, llm, tts, turnHandling: { turnDetection: 'manual' } });
 * await session.start({ agent, room: ctx.room });
 * await acceptSottoTurns(session, ctx.room);
 * ```
 *
 * The agent sets the participant attribute `sotto.turns` to the name of an RPC method it registers,
 * `sotto.end_of_turn`. A Sotto client that finds the attribute calls that method each time its endpointer
 * ends the user's turn, and the method calls `session.commitUserTurn()`. Without the attribute (any other
 * agent), the client leaves turns to the agent, as before. With `turnDetection: 'manual'` the agent ends no
 * turn by itself; keep its own detection instead and the client's calls only end turns sooner. Interruptions
 * stay the agent's (its VAD), as does everything it says.
 */
import { ParticipantKind, type Room, type RpcInvocationData } from '@livekit/rtc-node';

/**
 * The agent's participant attribute that names the RPC method, and the method. The client's side of the
 * same names is `src/protocol/extensions.ts` (this entry is published on its own, without the SDK's
 * sources; `livekit-agents-turns.test.ts` checks the two agree).
 */
export const SOTTO_TURNS_ATTRIBUTE = 'sotto.turns';
export const SOTTO_END_OF_TURN_RPC = 'sotto.end_of_turn';

/** What the helper needs of a `voice.AgentSession`. */
export interface TurnCommitter {
  commitUserTurn(): void;
}

export interface SottoTurnsOptions {
  /**
   * Who may end turns: a participant identity, or a test of one. Default: any participant that is not an
   * agent (the client the token endpoint admitted; other agents in the room are refused).
   */
  caller?: string | ((identity: string) => boolean);
  /** Called after each turn the client ended (for logs and metrics). */
  onTurnEnd?(e: { identity: string; payload: string }): void;
}

/** Thrown to the caller (as an RPC error) when it may not end turns. */
export class SottoTurnsRefused extends Error {
  override name = 'SottoTurnsRefused';
}

/**
 * Registers the `sotto.end_of_turn` RPC method on the agent's participant and advertises it in the
 * `sotto.turns` attribute. Call after `session.start()` (the method needs a running session). Returns a
 * function that unregisters the method and clears the attribute.
 */
export async function acceptSottoTurns(
  session: TurnCommitter,
  room: Room,
  opts: SottoTurnsOptions = {},
): Promise<() => Promise<void>> {
  const local = room.localParticipant;
  if (!local) throw new Error('acceptSottoTurns: the room is not connected (call it after ctx.connect())');
  const allowed = (identity: string): boolean => {
    const c = opts.caller;
    if (typeof c === 'string') return identity === c;
    if (typeof c === 'function') return c(identity);
    const p = room.remoteParticipants.get(identity);
    return p !== undefined && p.kind !== ParticipantKind.AGENT;
  };
  local.registerRpcMethod(SOTTO_END_OF_TURN_RPC, (data: RpcInvocationData) => {
    if (!allowed(data.callerIdentity)) {
      return Promise.reject(new SottoTurnsRefused(`${data.callerIdentity} may not end this agent's turns`));
    }
    session.commitUserTurn();
    opts.onTurnEnd?.({ identity: data.callerIdentity, payload: data.payload });
    return Promise.resolve('{"ok":true}');
  });
  await local.setAttributes({ ...local.attributes, [SOTTO_TURNS_ATTRIBUTE]: SOTTO_END_OF_TURN_RPC });
  return async () => {
    local.unregisterRpcMethod(SOTTO_END_OF_TURN_RPC);
    // An empty value is how LiveKit clears an attribute.
    await local.setAttributes({ ...local.attributes, [SOTTO_TURNS_ATTRIBUTE]: '' });
  };
}
