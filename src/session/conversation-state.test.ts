import { describe, expect, it } from 'vitest';
import { conversationState, type StateInputs } from './conversation-state.ts';

const base: StateInputs = {
  link: 'ready',
  mode: 'remote',
  listening: true,
  userSpeaking: false,
  awaitingReply: false,
  agentSpeaking: false,
};
const s = (over: Partial<StateInputs>): string => conversationState({ ...base, ...over });

describe('conversationState', () => {
  it('rests in listening on a ready remote link', () => {
    expect(s({})).toBe('listening');
  });
  it('closed and connecting win over everything', () => {
    expect(s({ link: 'closed', agentSpeaking: true, userSpeaking: true })).toBe('closed');
    expect(s({ link: 'connecting', userSpeaking: true })).toBe('connecting');
  });
  it('orders the activity states agent > user > thinking', () => {
    expect(s({ agentSpeaking: true, userSpeaking: true, awaitingReply: true })).toBe('agent-speaking');
    expect(s({ userSpeaking: true, awaitingReply: true })).toBe('user-speaking');
    expect(s({ awaitingReply: true })).toBe('thinking');
  });
  it('a muted or stopped session is idle, and its user is not speaking', () => {
    expect(s({ listening: false })).toBe('idle');
    expect(s({ listening: false, userSpeaking: true })).toBe('idle');
    expect(s({ listening: false, agentSpeaking: true })).toBe('agent-speaking');
  });
  it('rests in reconnecting while a remote link is restored, in offline in local mode', () => {
    expect(s({ link: 'reconnecting' })).toBe('reconnecting');
    expect(s({ link: 'reconnecting', userSpeaking: true })).toBe('user-speaking');
    expect(s({ mode: 'local' })).toBe('offline');
    expect(s({ mode: 'local', link: 'reconnecting' })).toBe('offline');
    expect(s({ mode: 'local', awaitingReply: true })).toBe('thinking');
  });
});
