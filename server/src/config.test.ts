import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('configuration', () => {
  it('has safe local defaults: loopback only, media on loopback', () => {
    const c = loadConfig({});
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(8080);
    expect(c.rtc).toEqual({ listenIp: '127.0.0.1', minPort: 40000, maxPort: 49999 });
    expect(c.dbPath.endsWith('parley.db')).toBe(true);
    expect(c.workers).toBeGreaterThanOrEqual(1);
  });

  it('reads every documented variable', () => {
    const c = loadConfig({
      PARLEY_HOST: '0.0.0.0',
      PARLEY_PORT: '9000',
      PARLEY_PUBLIC_URL: 'https://mediation.example.org/',
      PARLEY_RTC_LISTEN_IP: '0.0.0.0',
      PARLEY_RTC_ANNOUNCED_ADDRESS: '203.0.113.7',
      PARLEY_RTC_MIN_PORT: '41000',
      PARLEY_RTC_MAX_PORT: '41100',
      PARLEY_WORKERS: '3',
      PARLEY_ALLOWED_ORIGINS: 'https://a.example, https://b.example',
      PARLEY_INVITE_TTL_HOURS: '48',
    });
    expect(c.publicUrl).toBe('https://mediation.example.org');
    expect(c.rtc).toEqual({ listenIp: '0.0.0.0', announcedAddress: '203.0.113.7', minPort: 41000, maxPort: 41100 });
    expect(c.workers).toBe(3);
    expect(c.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(c.inviteTtlMs).toBe(48 * 3600_000);
  });

  it('refuses invalid values with a message naming the variable', () => {
    expect(() => loadConfig({ PARLEY_PORT: 'eighty' })).toThrow(/PARLEY_PORT/);
    expect(() => loadConfig({ PARLEY_MASTER_KEY: 'short' })).toThrow(/PARLEY_MASTER_KEY/);
    expect(() => loadConfig({ PARLEY_RTC_MIN_PORT: '5000', PARLEY_RTC_MAX_PORT: '4000' })).toThrow(/MIN_PORT/);
    expect(() => loadConfig({ PARLEY_LOG_LEVEL: 'chatty' })).toThrow(/PARLEY_LOG_LEVEL/);
  });
});
