import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.ts';
import { readRealtimeConfig } from './config.ts';

describe('realtime endpoint config', () => {
  it('defaults to loopback, port 7890, no key, no TLS, server VAD', () => {
    expect(readRealtimeConfig({})).toEqual({
      host: '127.0.0.1',
      port: 7890,
      apiKey: undefined,
      tls: undefined,
      maxSessions: 16,
      turnDetection: 'server_vad',
    });
  });

  it('refuses to listen beyond loopback without a key', () => {
    expect(() => readRealtimeConfig({ SOTTO_REALTIME_HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(readRealtimeConfig({ SOTTO_REALTIME_HOST: '0.0.0.0', SOTTO_API_KEY: 'k' }).apiKey).toBe('k');
  });

  it('reads the TLS pair, and refuses half of one or a bad value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sotto-rt-'));
    try {
      writeFileSync(join(dir, 'c.pem'), 'CERT');
      writeFileSync(join(dir, 'k.pem'), 'KEY');
      const env = { SOTTO_REALTIME_TLS_CERT: join(dir, 'c.pem'), SOTTO_REALTIME_TLS_KEY: join(dir, 'k.pem') };
      expect(readRealtimeConfig(env).tls).toEqual({ cert: 'CERT', key: 'KEY' });
      expect(() => readRealtimeConfig({ SOTTO_REALTIME_TLS_CERT: env.SOTTO_REALTIME_TLS_CERT })).toThrow(ConfigError);
      expect(() => readRealtimeConfig({ ...env, SOTTO_REALTIME_TLS_KEY: join(dir, 'missing.pem') })).toThrow(
        ConfigError,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => readRealtimeConfig({ SOTTO_REALTIME_PORT: '70000' })).toThrow(ConfigError);
    expect(() => readRealtimeConfig({ SOTTO_REALTIME_TURN_DETECTION: 'semantic_vad' })).toThrow(ConfigError);
  });

  it("reads the WebRTC calls' UDP port range, and refuses a bad one", () => {
    expect(readRealtimeConfig({}).rtcPorts).toBeUndefined();
    expect(readRealtimeConfig({ SOTTO_REALTIME_RTC_PORTS: '50000-50010' }).rtcPorts).toEqual({
      min: 50000,
      max: 50010,
    });
    expect(readRealtimeConfig({ SOTTO_REALTIME_RTC_PORTS: '50000-50000' }).rtcPorts).toEqual({
      min: 50000,
      max: 50000,
    });
    for (const bad of ['50010-50000', '0-10', '1-70000', 'x', '5000']) {
      expect(() => readRealtimeConfig({ SOTTO_REALTIME_RTC_PORTS: bad })).toThrow(ConfigError);
    }
  });
});
