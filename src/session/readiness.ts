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
import type { ClientEndpointing } from './client-endpointing.ts';

/** Calls `onLive` once, when the VAD of `client` is live (or has failed or closed). */
export async function waitUntilLive(client: ClientEndpointing, onLive: () => void): Promise<void> {
  await client.vad.live();
  onLive();
}
