/** The network conditions the latency lab (and any fault test) runs through the relay. */

/** One direction of the link. */
export interface Impairment {
  /** Mean one-way delay added (ms). Default 0. */
  delayMs?: number;
  /** Uniform jitter around the delay, +- this many ms (UDP may reorder; TCP keeps order). Default 0. */
  jitterMs?: number;
  /** Probability of dropping each UDP datagram, 0..1 (TCP is never dropped, only delayed). Default 0. */
  loss?: number;
}

/** Both directions: `up` is client (namespace) to server, `down` server to client. */
export interface Condition {
  name: string;
  what: string;
  up: Impairment;
  down: Impairment;
}

const both = (name: string, what: string, i: Impairment): Condition => ({ name, what, up: i, down: i });

/**
 * The issue-11 conditions. RTT and jitter are split evenly over the two directions: 50 ms RTT +- 20 ms is
 * 25 +- 10 ms each way; "5 % loss" is 5 % per direction (about 9.75 % of round trips).
 */
export const CONDITIONS: readonly Condition[] = [
  both('clean', 'through the relay, no impairment', {}),
  both('rtt50_jitter20', '50 ms RTT +- 20 ms (25 +- 10 ms each way, uniform)', { delayMs: 25, jitterMs: 10 }),
  both('loss5', '5 % UDP loss each way', { loss: 0.05 }),
  both('loss5_rtt50_jitter20', '5 % UDP loss each way, 25 +- 10 ms each way', {
    delayMs: 25,
    jitterMs: 10,
    loss: 0.05,
  }),
  both('loss10', '10 % UDP loss each way', { loss: 0.1 }),
];

export function condition(name: string): Condition {
  const c = CONDITIONS.find((x) => x.name === name);
  if (!c) throw new Error(`unknown condition ${name}; known: ${CONDITIONS.map((x) => x.name).join(', ')}`);
  return c;
}
