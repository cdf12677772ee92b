/**
 * The small waits of a WebRTC call set-up, each bounded by an AbortSignal: ICE gathering (so the offer
 * carries the host candidates; OpenAI's clients post without them and rely on peer-reflexive candidates,
 * which a full-ICE server may not accept), and the events channel opening.
 */
import { SottoError } from '../../errors.ts';

/** How long the offer waits for ICE gathering, ms (host candidates take a few ms; no STUN by default). */
export const GATHER_MS = 1000;

/** Resolves when gathering is complete, or after `ms` (the offer then has what was gathered). */
export function gathered(pc: RTCPeerConnection, ms = GATHER_MS): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = (): void => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, ms);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

/** Resolves once `dc` is open; rejects when it closes first or `signal` aborts (with its reason). */
export function channelOpen(dc: RTCDataChannel, signal: AbortSignal): Promise<void> {
  if (dc.readyState === 'open') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      dc.removeEventListener('open', onOpen);
      dc.removeEventListener('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const onOpen = (): void => {
      cleanup();
      resolve();
    };
    const onClose = (): void => {
      cleanup();
      reject(new SottoError('server_unreachable', 'the oai-events channel closed before it opened'));
    };
    const onAbort = (): void => {
      cleanup();
      const r: unknown = signal.reason;
      reject(
        r instanceof SottoError ? r : new SottoError('not_connected', 'the transport was closed while connecting'),
      );
    };
    dc.addEventListener('open', onOpen);
    dc.addEventListener('close', onClose);
    signal.addEventListener('abort', onAbort);
  });
}
