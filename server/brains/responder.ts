/**
 * The local brain's responder: a few keyword rules over the transcript, else it repeats what it heard.
 * Deterministic apart from the clock (passed in). Returns sentences, each spoken as one phrase.
 */
export function respond(heard: string, now: Date = new Date()): string[] {
  const t = heard.toLowerCase();
  const has = (...words: string[]): boolean => words.some((w) => new RegExp(`\\b${w}\\b`).test(t));
  if (!t.trim()) return ['Sorry, I did not catch that.'];
  if (has('time')) {
    const hh = now.getHours();
    const mm = String(now.getMinutes()).padStart(2, '0');
    return [`It is ${hh}:${mm}.`];
  }
  if (has('date', 'day', 'today')) {
    return [`Today is ${now.toLocaleDateString('en-US', { weekday: 'long', month: 'long', day: 'numeric' })}.`];
  }
  if (has('joke')) return ['Why did the developer go broke?', 'Because he used up all his cache.'];
  if (has('name', 'who')) return ['I am Sotto, a voice agent running on this machine.'];
  if (has('bye', 'goodbye')) return ['Goodbye!'];
  if (has('hello', 'hi', 'hey')) return ['Hello!', 'How can I help?'];
  if (has('thanks', 'thank')) return ["You're welcome."];
  return ['I heard:', `${heard.trim().slice(0, 200)}.`];
}
