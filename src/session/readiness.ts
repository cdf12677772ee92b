/**
 * When a session with client endpointing is ready for the user (issue 16). Not when the link is up, but
 * when the on-device VAD has loaded, run its warm-up inferences and keeps up with real time (its `live`
 * event: the audio kept while it loaded is analysed, or skipped when the machine cannot keep up). Before
 * that the state stays `connecting` (the demo shows it), so "listening" is a promise the endpointer can
 * keep: a newcomer who speaks at once on a busy laptop is not answered seconds late. Nothing said before
 * is lost: the capture ring keeps it from the first sample and the VAD analyses it on its way to live.
 *
 * A VAD that fails or closes instead also ends the wait (its `vad_error` says why): the session then runs
 * without client endpointing decisions rather than saying `connecting` forever.
 */
import type { VadLiveInfo, VadReadyInfo } from '../vad/types.ts';
import type { ClientEndpointing } from './client-endpointing.ts';

/** The cold start of a session's VAD, on the page's clock (`performance.now()`, ms). */
export interface ReadinessTimeline {
  /** When the VAD worker was asked to start (before the session when it was preloaded). */
  readonly startedAt: number;
  /** When its model was loaded and warmed (with the worker's own split: load, warm-up), or null. */
  readonly vadReadyAt: number | null;
  readonly vadReady: VadReadyInfo | null;
  /** When it first kept up with real time, or null. */
  readonly liveAt: number | null;
  readonly live: VadLiveInfo | null;
}

/** Follows one VAD from start to live; `onLive` is called once (also when the VAD fails or closes). */
export class Readiness {
  #timeline: ReadinessTimeline;

  constructor(client: ClientEndpointing, onLive: () => void) {
    // A preloaded VAD (preload.ts) started, and may have been ready, before the session.
    const vad = client.vad;
    this.#timeline = { startedAt: vad.startedAt, vadReadyAt: null, vadReady: null, liveAt: null, live: null };
    vad
      .ready()
      .then((info) => {
        this.#timeline = { ...this.#timeline, vadReadyAt: vad.readyAt ?? performance.now(), vadReady: info };
      })
      .catch(() => undefined);
    void client.vad.live().then((info) => {
      this.#timeline = { ...this.#timeline, liveAt: performance.now(), live: info };
      onLive();
    });
  }

  get timeline(): ReadinessTimeline {
    return this.#timeline;
  }
}
