export declare const TRUTH: Readonly<{
  windowMs: number;
  belowPeakDb: number;
  floorDb: number;
  bridgeMs: number;
  minMs: number;
  pauseMs: number;
}>;
/** Speech segments `[startSample, endSample)` of a clean signal from its energy (see vad-truth.mjs). */
export declare function energySegments(
  x: Float32Array,
  rate: number,
  noisy?: boolean,
  opts?: typeof TRUTH,
): { startSample: number; endSample: number }[];
