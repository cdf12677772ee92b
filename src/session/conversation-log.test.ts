import { describe, expect, it } from 'vitest';
import { ConversationLog, logEvents } from './conversation-log.ts';

describe('ConversationLog', () => {
  it('hands each agent session only the lines it does not know, in order', () => {
    const log = new ConversationLog();
    log.add('user', 'hello', 's1');
    log.add('assistant', 'hi there', 's1');
    log.add('assistant', '   ', 's1'); // empty: skipped
    expect(log.size).toBe(2);
    expect(log.take('s1')).toEqual([]);
    log.add('user', 'what time is it', 'device');
    log.add('assistant', 'ten past two', 'device');
    // The same agent back after offline turns: only those.
    expect(log.take('s1').map((l) => l.text)).toEqual(['what time is it', 'ten past two']);
    expect(log.take('s1')).toEqual([]);
    // A new agent (re-dispatched job): everything, oldest first.
    expect(log.take('s2').map((l) => `${l.role}: ${l.text}`)).toEqual([
      'user: hello',
      'assistant: hi there',
      'user: what time is it',
      'assistant: ten past two',
    ]);
    log.add('assistant', 'from s2', 's2');
    expect(log.take('s2')).toEqual([]);
    expect(log.take('s1').map((l) => l.text)).toEqual(['from s2']);
  });

  it('makes Realtime conversation items of the lines', () => {
    expect(
      logEvents([
        { role: 'user', text: 'a' },
        { role: 'assistant', text: 'b' },
      ]),
    ).toEqual([
      {
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'a' }] },
      },
      {
        type: 'conversation.item.create',
        item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'b' }] },
      },
    ]);
  });
});
