/**
 * Turns one latency-lab run (the page's probe dump) into per-turn ground-truth measurements (pure; used by
 * bench/latency.ts). Every time is AudioContext seconds on the page; results are in ms.
 *
 * - True speech start/end of each utterance: the clean fixture's energy (scripts/vad-truth.mjs), found in
 *   the page's recording of the mic (bench/latency-align.ts) and put on the clock by the ring's anchors.
 * - v2v: the first audible sample of the turn's reply (output tap) - the true speech end. The reply is
 *   the first one to start after the end and before the next utterance starts.
 * - endpoint: the configuration's decision (client `turn_end` / eager `turn_ending`, the server's
 *   `committed`, the peer's `onSpeechEnd`), as it reached the page's main thread - the true speech end.
 * - barge-in silence: for an utterance that starts while a reply is audible, the last sample of that reply
 *   the user heard (output tap, after ducking) - the utterance's true onset.
 */
import { coarseOffset, refine, timeAt, type Anchor } from './latency-align.ts';

/** One utterance of the fixture, in 16 kHz fixture samples. */
export interface Utterance {
  text: string;
  start: number;
  end: number;
}

export interface ProbeData {
  sampleRate: number;
  /** Absolute ring position of `samples[0]`. */
  from: number;
  samples: Float32Array;
  anchors: Anchor[];
  heard: { at: number; last: number }[];
  replies: { responseId: string; time: number }[];
  endpoints: { kind: string; time: number }[];
}

export interface TurnResult {
  index: number;
  text: string;
  /** True speech start and end on the page clock (s); null when not found in the recording. */
  start: number | null;
  end: number | null;
  /** Correlation of the alignment (1 = identical). */
  alignScore: number;
  v2vMs: number | null;
  endpointMs: number | null;
  /** Set for utterances that began over an audible reply. */
  bargeInSilenceMs: number | null;
}

const CORRELATE_MS = 300;
const SEARCH_MS = 40;
/** A reply counts as audible at an onset when a sample was heard this close before it (s). */
const AUDIBLE_S = 0.06;

/** Per-utterance results of one run. */
export function analyseRun(fixture16k: Float32Array, utterances: readonly Utterance[], p: ProbeData): TurnResult[] {
  const rate = p.sampleRate;
  // The recording starts a little after the fixture (the probe starts once the mic is open).
  const coarse = coarseOffset(fixture16k, p.samples, rate / 100, { min: -2 * rate, max: 30 * rate });
  const located = utterances.map((u) => {
    const from = Math.max(u.start, u.end - (CORRELATE_MS * rate) / 1000);
    const guess = from - coarse;
    const r = refine(fixture16k, p.samples, from, u.end, guess, (SEARCH_MS * rate) / 1000);
    const shift = r.at - from; // recording index = fixture index + shift
    const inside = u.start + shift >= 0 && u.end + shift <= p.samples.length;
    return {
      start: inside ? timeAt(p.anchors, p.from + u.start + shift, rate) : null,
      end: inside ? timeAt(p.anchors, p.from + u.end + shift, rate) : null,
      score: r.score,
    };
  });
  const replies = [...p.replies].sort((a, b) => a.time - b.time);
  return utterances.map((u, i) => {
    const here = located[i];
    const next = located[i + 1];
    const end = here?.end ?? null;
    const start = here?.start ?? null;
    const until = next?.start ?? (end === null ? null : end + 6);
    let v2vMs: number | null = null;
    let endpointMs: number | null = null;
    if (end !== null && until !== null) {
      const reply = replies.find((r) => r.time > end && r.time < until);
      if (reply) v2vMs = (reply.time - end) * 1000;
      const ep = p.endpoints.find((e) => e.time > end - 0.3 && e.time < until);
      if (ep) endpointMs = (ep.time - end) * 1000;
    }
    let bargeInSilenceMs: number | null = null;
    if (start !== null) {
      const audibleBefore = p.heard.some((h) => h.last > start - AUDIBLE_S && h.last <= start);
      if (audibleBefore) {
        // The last heard sample of the reply playing at the onset: before the next reply starts.
        const nextReply = replies.find((r) => r.time > start)?.time ?? start + 5;
        const heardAfter = p.heard.filter((h) => h.last >= start && h.last < nextReply - 0.02).map((h) => h.last);
        const silentAt = heardAfter.length > 0 ? Math.max(...heardAfter) : start;
        bargeInSilenceMs = (silentAt - start) * 1000;
      }
    }
    return {
      index: i,
      text: u.text,
      start,
      end,
      alignScore: Math.round((here?.score ?? 0) * 1000) / 1000,
      v2vMs: v2vMs === null ? null : Math.round(v2vMs * 10) / 10,
      endpointMs: endpointMs === null ? null : Math.round(endpointMs * 10) / 10,
      bargeInSilenceMs: bargeInSilenceMs === null ? null : Math.round(bargeInSilenceMs * 10) / 10,
    };
  });
}
