import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config.ts';

describe('readConfig', () => {
  it('needs the API key and secret', () => {
    expect(() => readConfig({})).toThrow(ConfigError);
  });

  it('applies defaults and parses ports', () => {
    const c = readConfig({ LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's', SOTTO_AGENT_HTTP_PORT: '8089' });
    expect(c).toMatchObject({ livekitUrl: 'ws://127.0.0.1:7880', brain: 'echo', httpPort: 8089, idleProcesses: 4 });
  });

  it('reads turn detection and echo mode, and rejects unknown values', () => {
    const base = { LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's' };
    expect(readConfig(base)).toMatchObject({ turnDetection: 'none', echoMode: 'speak' });
    expect(readConfig({ ...base, SOTTO_TURN_DETECTION: 'server_vad', SOTTO_ECHO_MODE: 'literal' })).toMatchObject({
      turnDetection: 'server_vad',
      echoMode: 'literal',
    });
    expect(() => readConfig({ ...base, SOTTO_TURN_DETECTION: 'semantic' })).toThrow(/SOTTO_TURN_DETECTION/);
  });

  it('reads the CPU target as a fraction and the job cap', () => {
    const base = { LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's' };
    expect(readConfig(base)).toMatchObject({ cpuTarget: 0.7, maxJobs: 32 });
    expect(readConfig({ ...base, SOTTO_CPU_TARGET: '0.5', SOTTO_MAX_JOBS: '8' })).toMatchObject({
      cpuTarget: 0.5,
      maxJobs: 8,
    });
    expect(() => readConfig({ ...base, SOTTO_CPU_TARGET: '70' })).toThrow(/SOTTO_CPU_TARGET/);
  });

  it('rejects a garbage port', () => {
    expect(() => readConfig({ LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's', SOTTO_AGENT_HTTP_PORT: 'abc' })).toThrow(
      /SOTTO_AGENT_HTTP_PORT/,
    );
  });
});
