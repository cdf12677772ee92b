/**
 * The chaos bench's simulated user, as a pure decision: given what the user has said and heard so far,
 * speak the next sentence now or keep waiting. It behaves as a person talking to an assistant does: says a
 * sentence, waits for the answer, listens to it to its end (also one that began while it was still talking,
 * and one that begins after it), leaves a short gap and says the next one; when no answer comes, or the answer breaks off or goes silent,
 * asks again after a while (a person says "hello?" rather than waiting for ever).
 *
 * Times are seconds on the session's AudioContext clock. What the user hears is the page's events
 * (`agent_audio_start` / `agent_audio_end`, the remote agent's and the on-device engine's replies) and,
 * for the remote agent's track, the time of its last audible sample: a reply whose agent died stops being
 * audible without an end event, and a person notices the silence.
 */

export interface UserPolicy {
  /** No reply audible this long after the user's sentence ended: say the next one. */
  patienceS: number;
  /** After a reply ended: the user's gap before the next sentence. */
  gapS: number;
  /** A remote reply silent this long (its track heard nothing) counts as over. */
  quietS: number;
  /** Listening to one reply at most this long, then the user talks anyway. */
  maxListenS: number;
  /** A reply cut before this much of it was heard broke off: it answered nothing. */
  minHeardS: number;
}

export const DEFAULT_POLICY: UserPolicy = {
  patienceS: 3.5,
  gapS: 0.7,
  quietS: 1.5,
  maxListenS: 15,
  minHeardS: 1,
};

/** A reply the user heard: from its first audible sample to its end (null while it plays). */
export interface HeardReply {
  start: number;
  end: number | null;
  /** It ended before its agent finished it (cut: barge-in, its agent died, the session switched). */
  interrupted: boolean;
}

export interface UserObservation {
  /** Now on the session's clock. */
  now: number;
  /** A sentence is playing into the mic. */
  speaking: boolean;
  /** When the user's last sentence finished, or null before the first. */
  saidEnd: number | null;
  /** The replies so far (`agent_audio_start` / `agent_audio_end`), oldest first. */
  replies: readonly HeardReply[];
  /** Last audible sample of the remote agent's track, or null; only meaningful when `remote`. */
  lastHeard: number | null;
  /** The session answers remotely now (its `mode`); the on-device engine's replies always end with an event. */
  remote: boolean;
}

export interface UserDecision {
  say: boolean;
  /** Why (for the bench's trace). */
  why: string;
}

/** Whether a reply broke off before it answered anything (cut before `minHeardS` of it was heard). */
export function brokeOff(r: HeardReply, minHeardS: number): boolean {
  return r.end !== null && r.interrupted && r.end - r.start < minHeardS;
}

export function decide(o: UserObservation, p: UserPolicy = DEFAULT_POLICY): UserDecision {
  if (o.speaking) return { say: false, why: 'speaking' };
  if (o.saidEnd === null) return { say: true, why: 'first sentence' };
  const said = o.saidEnd;
  let cut: number | null = null;
  for (const [i, r] of o.replies.entries()) {
    if (r.end !== null && r.end <= said) continue; // over before the sentence ended
    if (r.end === null) {
      if (o.remote && o.now - Math.max(r.start, o.lastHeard ?? r.start) >= p.quietS) {
        return { say: true, why: 'the reply went silent: asks again' };
      }
      if (o.now - r.start >= p.maxListenS) return { say: true, why: 'reply too long: talks over it' };
      return { say: false, why: 'listening' };
    }
    // A reply that broke off answered nothing: the user waits a moment for the answer to come back.
    if (brokeOff(r, p.minHeardS)) {
      cut = r.end;
      continue;
    }
    // Another reply began after this one (an answer to a sentence said again): the user listens to it too.
    if (i < o.replies.length - 1) continue;
    return o.now - r.end >= p.gapS ? { say: true, why: 'next sentence' } : { say: false, why: 'gap' };
  }
  if (cut !== null) {
    return o.now - cut >= p.quietS
      ? { say: true, why: 'the reply broke off: asks again' }
      : { say: false, why: 'the reply broke off: waiting' };
  }
  return o.now - said >= p.patienceS ? { say: true, why: 'no reply: asks again' } : { say: false, why: 'waiting' };
}
