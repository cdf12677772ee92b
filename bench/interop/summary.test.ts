import { describe, expect, it } from 'vitest';
import type { PeerRun } from './drive.ts';
import { compare, summarise, table } from './summary.ts';

function run(peer: string, v2v: number[], over: Partial<PeerRun> = {}): PeerRun {
  return {
    peer,
    round: 1,
    agentJoinMs: 300,
    readyMs: 4000,
    agentProtocol: 'livekit-agents',
    states: ['connecting', 'listening', 'thinking', 'agent-speaking', 'listening'],
    userTranscripts: ['I spoke for 2.0 seconds'],
    agentTranscripts: ['You said: I spoke for 2.0 seconds.'],
    interruptions: 1,
    agentRepliesCut: 1,
    bargeAnswered: true,
    bargeLocalSilenceMs: 40,
    bargeAgentStopMs: 600,
    bargeInWorked: true,
    typedAnswered: true,
    v2vMs: v2v,
    turnSplits: v2v.map((v) => ({
      v2v: v,
      sottoEndpointing: 500,
      toAgentThinking: v - 200,
      thinkingToSpeaking: 50,
      speakingToAudio: 150,
    })),
    typedTurnV2vMs: [25_000],
    responses: { completed: 2 },
    errors: [],
    pageProblems: [],
    agentCpu: { totalS: 10, maxS: 8, perPid: {} },
    ...over,
  };
}

describe('interop summary', () => {
  it('pools rounds per peer and splits end-of-turn decisions into fast and held', () => {
    const s = summarise('python', [run('python', [1000, 3000]), run('python', [3000], { bargeInWorked: false })], 8);
    expect(s.runs).toBe(2);
    expect(s.v2v).toMatchObject({ n: 3, min: 1000, max: 3000 });
    expect(s.bargeInWorked).toBe('1/2');
    expect(s.agentEndOfTurn).toMatchObject({ fast: 1, held: 2, fastMedianMs: 800, heldMedianMs: 2800 });
    expect(s.statesSeen).toEqual(['connecting', 'listening', 'thinking', 'agent-speaking']);
  });

  it('compares two peers as b / a and leaves out what either lacks', () => {
    const node = summarise('node', [run('node', [2000])], 8);
    const python = summarise('python', [run('python', [3000], { agentCpu: null })], 8);
    const r = compare(node, python);
    expect(r.v2v_p50).toBe(1.5);
    expect(r.job_cpu_s).toBeNull();
    expect(table([node, python]).split('\n')).toHaveLength(3);
  });
});
