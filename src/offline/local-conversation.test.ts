import { describe, expect, it } from 'vitest';
import { LocalConversation } from './local-conversation.ts';

describe('LocalConversation', () => {
  it('commits the input buffer as one user item with its audio and a pending spoken turn', () => {
    const c = new LocalConversation(16_000);
    c.append(new Float32Array(1600).fill(0.1));
    c.append(new Float32Array(800).fill(0.2), 'item_given');
    expect(c.pendingMs).toBe(150);
    const r = c.commit();
    expect(r.item).toMatchObject({ id: 'item_given', type: 'message', role: 'user' });
    expect(r.previous).toBeNull();
    expect(r.ms).toBe(150);
    expect(r.audio.length).toBe(2400);
    expect(r.audio[1599]).toBeCloseTo(0.1);
    expect(r.audio[1600]).toBeCloseTo(0.2);
    expect(r.turn).toMatchObject({ userItemId: 'item_given', source: 'audio', status: 'pending' });
    expect(c.pendingMs).toBe(0);
    // The next commit gets a fresh id and follows the first item.
    c.append(new Float32Array(1600));
    const next = c.commit();
    expect(next.item.id).not.toBe('item_given');
    expect(next.previous).toBe('item_given');
  });

  it('a typed user message makes a text turn; other items make none', () => {
    const c = new LocalConversation(16_000);
    const { item } = c.create({ type: 'message', role: 'user', content: [{ type: 'input_text', text: ' hi there ' }] });
    c.create({ type: 'message', role: 'system', content: [{ type: 'input_text', text: 'be brief' }] });
    expect(c.turns()).toEqual([expect.objectContaining({ userItemId: item.id, source: 'text', user: 'hi there' })]);
    expect(c.lastUser()?.item.id).toBe(item.id);
    expect(c.lastUser()?.turn?.user).toBe('hi there');
  });

  it('finds, deletes and clears; turns() hands out copies', () => {
    const c = new LocalConversation(16_000);
    c.append(new Float32Array(1600));
    const { item, turn } = c.commit();
    expect(c.find(item.id)).toBe(item);
    expect(c.delete('nope')).toBe(false);
    expect(c.turnsExcept(turn)).toEqual([]);
    const copy = c.turns()[0];
    if (copy) copy.at.user = 0;
    expect(turn.at.user).not.toBe(0);
    expect(c.delete(item.id)).toBe(true);
    expect(c.find(item.id)).toBeUndefined();
    expect(c.lastId).toBeNull();
    c.append(new Float32Array(160), 'x');
    c.clearPending();
    expect(c.pendingMs).toBe(0);
  });
});
