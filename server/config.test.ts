import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config.ts';

describe('readConfig', () => {
  it('needs the API key and secret', () => {
    expect(() => readConfig({})).toThrow(ConfigError);
  });

  it('applies defaults and parses ports', () => {
    const c = readConfig({ LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's', SOTTO_AGENT_HTTP_PORT: '8089' });
    expect(c).toMatchObject({ livekitUrl: 'ws://127.0.0.1:7880', brain: 'echo', httpPort: 8089, idleProcesses: 1 });
  });

  it('rejects a garbage port', () => {
    expect(() => readConfig({ LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's', SOTTO_AGENT_HTTP_PORT: 'abc' })).toThrow(
      /SOTTO_AGENT_HTTP_PORT/,
    );
  });
});
