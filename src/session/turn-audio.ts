/**
 * Reads a user turn back from the capture ring (16 kHz), for the on-device engine: the turn the user was
 * speaking when the link died, or one the remote agent never answered. Main thread; allocates the turn.
 */
import { RingReader } from '../audio/ring-buffer.ts';
import type { TurnSpan } from './turn-taking.ts';

/** Where the samples came from, and how many of the span's were no longer (or not yet) in the ring. */
export interface TurnAudioRange {
  /** Absolute ring positions `[startSample, endSample)` of the turn. */
  startSample: number;
  endSample: number;
  /** Samples read. */
  samples: number;
  /** `endSample - startSample - samples`: 0 when the whole turn was still held. */
  lostSamples: number;
}

export interface TurnAudio {
  samples: Float32Array;
  range: TurnAudioRange;
}

/** A few tries when the writer is caught mid-publish (readRange returns 0 then). */
const TRIES = 4;

/** Ring position of an edge of a turn's span (`at`: its start or end); NaN before the ring's clock is known. */
export function spanPosition(ring: RingReader, span: TurnSpan, at: number): number {
  return span.unit === 'sample' ? at : ring.positionAtTime(at);
}

/**
 * Copies the turn's samples. A span in AudioContext times (manual turns) is mapped to positions with the
 * ring's clock anchors; an open end (`null`) reads to the newest sample. Audio already overwritten is
 * skipped (the rest is read) and counted in `lostSamples`.
 */
export function readTurnAudio(ring: RingReader, span: TurnSpan): TurnAudio {
  const newest = ring.writePosition();
  let start = spanPosition(ring, span, span.start);
  let end = span.end === null ? newest : spanPosition(ring, span, span.end);
  start = Math.floor(Number.isFinite(start) ? start : newest);
  end = Math.floor(Math.min(Number.isFinite(end) ? end : newest, newest));
  const want = Math.max(0, end - start);
  const from = Math.max(start, ring.oldestPosition());
  const dest = new Float32Array(Math.max(0, end - from));
  let got = 0;
  for (let i = 0; i < TRIES && dest.length > 0; i++) {
    const n = ring.readRange(from, dest);
    if (n === RingReader.OVERWRITTEN) {
      // The writer overtook the start while copying: nothing consistent to give (a turn longer than the ring).
      got = 0;
      break;
    }
    got = n;
    if (n > 0) break;
  }
  const samples = dest.subarray(0, got);
  return {
    samples,
    range: { startSample: start, endSample: start + want, samples: got, lostSamples: want - got },
  };
}
