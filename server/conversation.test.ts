import { describe, expect, it } from 'vitest';
import { Conversation, ConversationError } from './conversation.ts';

const user = (id?: string) => ({
  ...(id ? { id } : {}),
  type: 'message' as const,
  role: 'user' as const,
  content: [{ type: 'input_text' as const, text: 'hi' }],
});

describe('Conversation', () => {
  it('adds at the end, at the start, or after an item, and reports the previous item', () => {
    const c = new Conversation();
    expect(c.add(user('a')).previousItemId).toBeNull();
    expect(c.add(user('b')).previousItemId).toBe('a');
    expect(c.add(user('c'), null).previousItemId).toBeNull();
    expect(c.add(user('d'), 'c').previousItemId).toBe('c');
    expect(c.items.map((i) => i.id)).toEqual(['c', 'd', 'a', 'b']);
    expect(c.add(user()).item.id).toMatch(/^item_/);
  });

  it('refuses duplicate ids and unknown anchors with codes', () => {
    const c = new Conversation();
    c.add(user('a'));
    expect(() => c.add(user('a'))).toThrow(ConversationError);
    try {
      c.add(user('x'), 'nope');
    } catch (e) {
      expect(e).toMatchObject({ code: 'item_not_found', param: 'previous_item_id' });
    }
  });

  it('strips inline input audio from stored items and keeps only recent audio', () => {
    const c = new Conversation();
    const { item } = c.add({ type: 'message', role: 'user', content: [{ type: 'input_audio', audio: 'AAAA' }] });
    expect(item.type === 'message' && item.content[0]).toEqual({ type: 'input_audio', transcript: '' });
    for (let i = 0; i < 6; i++) c.setAudio(`i${i}`, new Int16Array(1), 48_000);
    expect(c.audioOf('i0')).toBeNull();
    expect(c.audioOf('i5')).not.toBeNull();
  });

  it('truncates assistant audio: transcript segments after the cut are dropped', () => {
    const c = new Conversation();
    const { item } = c.add({
      id: 'r1',
      type: 'message',
      role: 'assistant',
      content: [{ type: 'output_audio', transcript: 'one two' }],
    });
    c.setAssistantAudio(item.id, 1000, [
      { atMs: 0, text: 'one' },
      { atMs: 600, text: ' two' },
    ]);
    expect(() => c.truncate('r1', 0, 1001)).toThrow(/beyond/);
    const cut = c.truncate('r1', 0, 600);
    expect(cut.type === 'message' && cut.content[0]).toEqual({ type: 'output_audio', transcript: 'one' });
    expect(cut.status).toBe('incomplete');
  });
});
