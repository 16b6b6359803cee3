import { describe, expect, it } from 'vitest';
import { IceServers, turnCredential } from './TurnCredentials.ts';

const secret = 'north-wind-shared-secret-0123456789';

describe('TURN REST-API credentials (coturn use-auth-secret)', () => {
  it('signs "<expiry>:<id>" with base64(HMAC-SHA1(secret, username)), as coturn recomputes it', () => {
    // Computed independently: printf '%s' '1700000000:participant-1' | openssl dgst -sha1 -hmac <secret> -binary | base64
    expect(turnCredential(secret, 'participant-1', 1_700_000_000)).toEqual({ username: '1700000000:participant-1', credential: 'LCNS9YwX0vJ31lhwnhVWLSjeVrk=' });
  });

  it('expires the TTL after now, for the configured URLs and policy, and never carries the secret', () => {
    const now = 1_750_000_000_123;
    const ice = new IceServers({ urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:443?transport=tcp'], secret, ttlSeconds: 3600 }, 'relay', () => now);
    const cfg = ice.issue('p-7');
    expect(cfg.iceTransportPolicy).toBe('relay');
    expect(cfg.iceServers).toHaveLength(1);
    const [server] = cfg.iceServers;
    expect(server!.urls).toEqual(['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:443?transport=tcp']);
    expect(server!.username).toBe(`${Math.floor(now / 1000) + 3600}:p-7`);
    expect(cfg.iceServersExpireAt).toBe((Math.floor(now / 1000) + 3600) * 1000);
    expect(cfg.iceServersExpireAt! - now).toBeGreaterThan(3599_000);
    expect(JSON.stringify(cfg)).not.toContain(secret);
  });

  it('hands out no servers without TURN', () => {
    expect(new IceServers(undefined, 'all').issue('p')).toEqual({ iceServers: [], iceTransportPolicy: 'all', iceServersExpireAt: null });
  });

});
