import { randomBytes } from 'node:crypto';

/** A Realtime-style id such as `resp_3f9a...`: prefix plus 16 random hex characters. */
export function newId(prefix: 'event' | 'item' | 'resp' | 'sess' | 'conv' | 'rtc'): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`;
}
