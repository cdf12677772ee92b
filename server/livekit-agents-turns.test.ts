import { describe, expect, it } from 'vitest';
import * as client from '../src/protocol/extensions.ts';
import { SOTTO_END_OF_TURN_RPC, SOTTO_TURNS_ATTRIBUTE } from './livekit-agents-turns.ts';

describe('acceptSottoTurns names', () => {
  it('are the ones the client looks for', () => {
    expect(SOTTO_TURNS_ATTRIBUTE).toBe(client.SOTTO_TURNS_ATTRIBUTE);
    expect(SOTTO_END_OF_TURN_RPC).toBe(client.SOTTO_END_OF_TURN_RPC);
  });
});
