import type { LocalParticipant } from 'livekit-client';

/**
 * Sends `text` as one text stream with a stream id chosen by the caller (livekit-client's `sendText` picks
 * its own; the event outbox announces the id in a marker packet before the stream).
 */
export async function sendStreamText(
  local: LocalParticipant,
  text: string,
  opts: { topic: string; destinationIdentities: string[]; streamId: string },
): Promise<void> {
  const writer = await local.streamText(opts);
  await writer.write(text);
  await writer.close();
}
