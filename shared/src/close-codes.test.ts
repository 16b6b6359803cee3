import { describe, expect, it } from 'vitest';
import { CloseCode, closeCodeForError, endsCredentials, errorCodeForClose, isFinalError, isTerminalClose, type CredentialKind } from './close-codes.ts';
import { ErrorCode } from './errors.ts';

const kinds: CredentialKind[] = ['invite', 'mediator'];
const allErrors = Object.values(ErrorCode);
const credentialErrors = allErrors.filter(endsCredentials);

describe('final errors', () => {
  it('are the credential refusals and the requests the server will always refuse', () => {
    expect(credentialErrors.sort()).toEqual(['consent_required', 'link_expired', 'link_invalid', 'link_revoked', 'unauthorised']);
    expect(allErrors.filter(isFinalError).sort()).toEqual([...credentialErrors, 'bad_request', 'case_closed', 'case_concluded', 'forbidden', 'not_found'].sort());
  });

  it('leave what may pass later to a retry (load, conflicts, a join in progress, our own faults, a timeout)', () => {
    for (const code of ['rate_limited', 'internal', 'conflict', 'not_in_session', 'unknown_event', 'payload_too_large', 'timeout', 'disconnected', null]) {
      expect(isFinalError(code), String(code)).toBe(false);
    }
  });
});

describe('error code ↔ close code', () => {
  it('closes a connection whose credentials were refused with a terminal code that names the same refusal', () => {
    // A mediator has no invitation link: the refusal that ends their connection is a signed-out session.
    const refusals: Record<CredentialKind, string[]> = { invite: credentialErrors, mediator: [ErrorCode.Unauthorised] };
    for (const kind of kinds) {
      for (const error of refusals[kind] as ErrorCode[]) {
        const close = closeCodeForError(error, kind);
        expect(isTerminalClose(close), `${kind} ${error}`).toBe(true);
        expect(endsCredentials(errorCodeForClose(close)), `${kind} ${error} → ${close}`).toBe(true);
      }
    }
  });

  it('tells a signed-out mediator and an unreadable invitation apart', () => {
    expect(closeCodeForError(ErrorCode.Unauthorised, 'mediator')).toBe(CloseCode.SignedOut);
    expect(closeCodeForError(ErrorCode.Unauthorised, 'invite')).toBe(CloseCode.Unauthorised);
    expect(closeCodeForError(ErrorCode.LinkRevoked, 'invite')).toBe(CloseCode.Revoked);
    expect(closeCodeForError(ErrorCode.LinkExpired, 'invite')).toBe(CloseCode.Expired);
    expect(closeCodeForError(ErrorCode.ConsentRequired, 'invite')).toBe(CloseCode.ConsentChanged);
    expect(closeCodeForError(ErrorCode.Internal, 'mediator')).toBe(CloseCode.Forbidden);
  });

  it('round-trips every credential close code through its error code', () => {
    const cases: Array<[CloseCode, CredentialKind]> = [
      [CloseCode.Unauthorised, 'invite'],
      [CloseCode.SignedOut, 'mediator'],
      [CloseCode.Forbidden, 'mediator'],
      [CloseCode.Revoked, 'invite'],
      [CloseCode.Expired, 'invite'],
      [CloseCode.ConsentChanged, 'invite'],
      [CloseCode.CaseConcluded, 'invite'],
      [CloseCode.CaseConcluded, 'mediator'],
      [CloseCode.CaseClosed, 'invite'],
    ];
    for (const [close, kind] of cases) expect(closeCodeForError(errorCodeForClose(close)!, kind), String(close)).toBe(close);
  });

  it('explains no close that is not a refusal, and a full draft budget as rate_limited', () => {
    for (const close of [CloseCode.Replaced, CloseCode.ReplacedElsewhere, CloseCode.Removed, CloseCode.TooLarge, CloseCode.ServerRestart, 1000]) {
      expect(errorCodeForClose(close), String(close)).toBeNull();
    }
    expect(errorCodeForClose(1013)).toBe(ErrorCode.RateLimited);
    expect(errorCodeForClose(CloseCode.Moved)).toBe(ErrorCode.Moved);
    expect(isTerminalClose(CloseCode.Moved)).toBe(false);
  });
});
