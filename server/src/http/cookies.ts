export const SESSION_COOKIE = 'parley_session';

/** Minimal Cookie header parser: name=value pairs, values URI-decoded, malformed pairs skipped. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header || header.length > 8192) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    try {
      out[name] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      // skip undecodable values
    }
  }
  return out;
}

/**
 * `domain` (PARLEY_COOKIE_DOMAIN, several nodes): the cookie also travels to the nodes' own host
 * names under it, where a mediator's session is sent to the node that runs the case.
 */
export function sessionCookie(value: string, opts: { secure: boolean; maxAgeMs: number; domain?: string | undefined }): string {
  const attrs = [`${SESSION_COOKIE}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${Math.floor(opts.maxAgeMs / 1000)}`];
  if (opts.domain) attrs.push(`Domain=${opts.domain}`);
  if (opts.secure) attrs.push('Secure');
  return attrs.join('; ');
}

export function clearedSessionCookie(secure: boolean, domain?: string): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${domain ? `; Domain=${domain}` : ''}${secure ? '; Secure' : ''}`;
}
