/** One committed user turn, as the brain receives it. */
export interface UserTurn {
  itemId: string;
  /** Mono 16-bit PCM of the turn. */
  pcm: Int16Array;
  sampleRate: number;
}

/**
 * A brain turns a committed user turn into reply audio. It yields mono 16-bit PCM chunks at
 * `sampleRate` as soon as each is ready, so the first frame can go out before the reply is complete.
 * It must stop promptly when `signal` aborts.
 */
export interface Brain {
  readonly name: string;
  readonly sampleRate: number;
  reply(turn: UserTurn, signal: AbortSignal): AsyncIterable<Int16Array>;
}
