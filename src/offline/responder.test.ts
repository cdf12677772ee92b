import { describe, expect, it } from 'vitest';
import { CAPABILITIES, defaultResponder, FOLLOW_UP, NOT_HEARD } from './responder.ts';
import type { OfflineTurnContext } from './types.ts';

const ctx = (over: Partial<OfflineTurnContext> = {}): OfflineTurnContext => ({
  source: 'audio',
  phrase: null,
  confidence: null,
  instructions: '',
  history: [],
  lastReply: null,
  now: new Date(2026, 0, 5, 9, 7),
  signal: new AbortController().signal,
  ...over,
});

describe('defaultResponder', () => {
  it('answers the built-in intents', () => {
    expect(defaultResponder('What time is it?', ctx())).toBe('It is 9:07.');
    expect(defaultResponder('hello there', ctx())).toMatch(/^Hello!/);
    expect(defaultResponder('What can you do?', ctx())).toBe(CAPABILITIES);
    expect(defaultResponder('what day is it today', ctx())).toBe('Today is Monday, January 5.');
    expect(defaultResponder('thank you', ctx())).toBe("You're welcome.");
  });

  it('repeats the last reply, or says there is none', () => {
    expect(defaultResponder('say that again', ctx({ lastReply: 'It is 9:07.' }))).toBe('It is 9:07.');
    expect(defaultResponder('can you repeat', ctx())).toBe('I have not said anything yet.');
  });

  it('promises to follow up on anything else, and asks again on silence', () => {
    expect(defaultResponder('book a table for two people tonight', ctx())).toBe(FOLLOW_UP);
    expect(defaultResponder('  ', ctx())).toBe(NOT_HEARD);
  });
});
