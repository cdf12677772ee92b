/** A Realtime-style id such as `resp_3f9a…`: prefix plus 16 random hex characters (Web Crypto). */
export function newId(prefix: 'event' | 'item' | 'resp' | 'sess'): string {
  const b = crypto.getRandomValues(new Uint8Array(8));
  return `${prefix}_${[...b].map((x) => x.toString(16).padStart(2, '0')).join('')}`;
}
