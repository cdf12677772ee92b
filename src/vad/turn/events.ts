/** What the end-of-turn model said at a pause (the `turn_model` event of `VadClient`). */
export interface TurnModelVerdict {
  /** The turn asked about (the endpointer's `turnId`). */
  readonly turnId: number;
  /** End-of-turn probability, 0–1; `null` when the question failed. */
  readonly probability: number | null;
  /** Whether it ended the turn (p >= threshold). */
  readonly complete: boolean;
  /** Pause so far when asked, in ms. */
  readonly pauseMs: number;
  /** End of the audio the model saw: sample position, and AudioContext time in seconds. */
  readonly endSample: number;
  readonly time: number;
  /** Features + model, in ms (wall clock in the worker). */
  readonly inferenceMs: number;
}

/** The model's load outcome (the `turn_model_ready` event): `ok`, where it came from, and how long it took. */
export interface TurnModelReady {
  readonly ok: boolean;
  readonly fromCache: boolean;
  readonly loadMs: number;
}
