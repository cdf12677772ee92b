/**
 * The default offline responder: a few intents answered on the device (time, greeting, what it can do,
 * repeat the last reply), otherwise a promise to follow up when back online. Pure apart from the clock in
 * the context.
 */
import type { OfflineResponder, OfflineTurnContext } from './types.ts';

/** Said when nothing was recognised. */
export const NOT_HEARD = 'Sorry, I did not catch that.';
/** Said for anything the default responder cannot handle offline. */
export const FOLLOW_UP = "I'm offline right now, so I can't help with that yet. I'll follow up when I'm back online.";
/** Said for "what can you do". */
export const CAPABILITIES =
  'While offline I can tell you the time, repeat what I said, and note your requests for when I am back online.';

const has = (t: string, ...patterns: RegExp[]): boolean => patterns.some((p) => p.test(t));

/** Answers `text` with one of the built-in intents. */
export const defaultResponder: OfflineResponder = (text: string, context: OfflineTurnContext): string => {
  const t = text
    .toLowerCase()
    .replace(/[^a-z' ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!t) return NOT_HEARD;
  if (has(t, /\b(repeat|again)\b/, /\bwhat did you (just )?say\b/)) {
    return context.lastReply ?? 'I have not said anything yet.';
  }
  if (has(t, /\bwhat can you do\b/, /\bhelp\b/, /\bwhat do you do\b/)) return CAPABILITIES;
  if (has(t, /\btime\b/)) {
    const hh = context.now.getHours();
    const mm = String(context.now.getMinutes()).padStart(2, '0');
    return `It is ${hh}:${mm}.`;
  }
  if (has(t, /\b(date|today)\b/, /\bwhat day\b/)) {
    const day = context.now.toLocaleDateString('en-US', { weekday: 'long', month: 'long', day: 'numeric' });
    return `Today is ${day}.`;
  }
  if (has(t, /^(hello|hi|hey)\b/, /\bgood (morning|afternoon|evening)\b/, /\b(hello|hi|hey) there\b/)) {
    return 'Hello! I am offline at the moment, but I can still help with a few things.';
  }
  if (has(t, /\b(thanks|thank you)\b/)) return "You're welcome.";
  return FOLLOW_UP;
};
