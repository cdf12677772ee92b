/**
 * WebRTC receiver statistics for the latency lab, read with `RTCPeerConnection.getStats()` from outside the
 * SDK: an init script keeps every peer connection the page makes, and {@link receiverStats} reads the
 * inbound audio (the agent's track: the only remote audio in a lab room), its codec, and the ICE pair in use.
 */
import type { Page } from '@playwright/test';

/** What the lab reports about the agent's track as the page received it. */
export interface ReceiverStats {
  /** e.g. `audio/opus` or `audio/red`. */
  codec: string | null;
  packetsReceived: number;
  packetsLost: number;
  /** Samples the jitter buffer had to invent (packet loss concealment), of which silent (no signal). */
  concealedSamples: number;
  silentConcealedSamples: number;
  totalSamplesReceived: number;
  /** concealedSamples / totalSamplesReceived, % (includes concealment while the agent sent nothing). */
  concealed_pct: number | null;
  /** Concealment with signal in it: (concealed - silent concealed) / all samples played out, %. */
  audible_concealed_pct: number | null;
  /** packetsLost / (packetsReceived + packetsLost), %. */
  lost_pct: number | null;
  concealmentEvents: number;
  fecPacketsReceived: number;
  /** Mean time a sample spent in the jitter buffer (jitterBufferDelay / jitterBufferEmittedCount), ms. */
  jitter_buffer_ms: number | null;
  /** RFC 3550 interarrival jitter the receiver measured (ms). */
  jitter_ms: number | null;
  /** The ICE pair in use: the candidate types (the relay shows up as a peer-reflexive remote). */
  localCandidate: string | null;
  remoteCandidate: string | null;
  rtt_ms: number | null;
}

/**
 * Run before the page's scripts: remember every RTCPeerConnection (window.__labPcs). A string, not a
 * function: tsx compiles functions with name helpers that do not exist in the page.
 */
const TRACK_PCS = `(() => {
  const Orig = window.RTCPeerConnection;
  const pcs = [];
  window.__labPcs = pcs;
  window.RTCPeerConnection = class extends Orig {
    constructor(...args) {
      super(...args);
      pcs.push(this);
    }
  };
})();`;

export async function trackPeerConnections(page: Page): Promise<void> {
  await page.addInitScript({ content: TRACK_PCS });
}

type Stat = Record<string, unknown> & { id: string; type: string };

/** Reads the inbound audio of every connection the page made; the one with the most packets is the agent's. */
export async function receiverStats(page: Page): Promise<ReceiverStats | null> {
  const reports = await page.evaluate(async () => {
    const pcs = (window as unknown as { __labPcs?: RTCPeerConnection[] }).__labPcs ?? [];
    const out: Record<string, unknown>[][] = [];
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      const r = await pc.getStats();
      const rows: Record<string, unknown>[] = [];
      r.forEach((s: Record<string, unknown>) => rows.push({ ...s }));
      out.push(rows);
    }
    return out;
  });
  let best: { rows: Stat[]; inbound: Stat } | null = null;
  for (const rows of reports as Stat[][]) {
    for (const s of rows) {
      if (s.type !== 'inbound-rtp' || s.kind !== 'audio') continue;
      if (!best || num(s.packetsReceived) > num(best.inbound.packetsReceived)) best = { rows, inbound: s };
    }
  }
  if (!best) return null;
  const { rows, inbound: s } = best;
  const byId = (id: unknown): Stat | undefined => rows.find((r) => r.id === id);
  const pair =
    rows.find((r) => r.type === 'candidate-pair' && r.nominated === true && r.state === 'succeeded') ??
    rows.find((r) => r.type === 'candidate-pair' && r.state === 'succeeded');
  const concealed = num(s.concealedSamples);
  const silent = num(s.silentConcealedSamples);
  const lost = num(s.packetsLost);
  const received = num(s.packetsReceived);
  const total = num(s.totalSamplesReceived);
  const emitted = num(s.jitterBufferEmittedCount);
  const codec = byId(s.codecId)?.mimeType;
  const rtt = pair?.currentRoundTripTime;
  return {
    codec: typeof codec === 'string' ? codec : null,
    packetsReceived: received,
    packetsLost: lost,
    concealedSamples: concealed,
    silentConcealedSamples: silent,
    totalSamplesReceived: total,
    concealed_pct: total > 0 ? round((100 * concealed) / total, 2) : null,
    audible_concealed_pct: total > 0 ? round((100 * (concealed - silent)) / total, 2) : null,
    lost_pct: received + lost > 0 ? round((100 * lost) / (received + lost), 2) : null,
    concealmentEvents: num(s.concealmentEvents),
    fecPacketsReceived: num(s.fecPacketsReceived),
    jitter_buffer_ms: emitted > 0 ? round((1000 * num(s.jitterBufferDelay)) / emitted, 1) : null,
    jitter_ms: typeof s.jitter === 'number' ? round(s.jitter * 1000, 1) : null,
    localCandidate: candidateType(byId(pair?.localCandidateId)),
    remoteCandidate: candidateType(byId(pair?.remoteCandidateId)),
    rtt_ms: typeof rtt === 'number' ? round(rtt * 1000, 1) : null,
  };
}

const num = (x: unknown): number => (typeof x === 'number' ? x : 0);
const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;
const candidateType = (c: Stat | undefined): string | null =>
  c ? `${String(c.candidateType)} ${String(c.protocol)} ${String(c.address)}:${String(c.port)}` : null;
