import { describe, expect, it } from 'vitest';
import type { AgreementStatus } from '@parley/shared';
import { openLabel, sessionAgreementNotice, signedSoFar } from './signoff.ts';

const v = (patch: Partial<AgreementStatus> = {}, signed: Record<string, string> = {}): AgreementStatus => ({
  id: 'v2',
  version: 2,
  textHash: 'a'.repeat(64),
  frozenAt: '2026-05-03T12:00:00.000Z',
  status: 'awaiting-signatures',
  voidedAt: null,
  voidReason: null,
  signers: ['ana', 'ben'].map((id) => ({ participantId: id, displayName: id === 'ana' ? 'Ana Alves' : 'Ben Brown', role: 'party' as const, signedAt: signed[id] ?? null })),
  ...patch,
});
const ana = { id: 'ana', role: 'party' as const };
const at = (iso: string) => iso.slice(11, 16);

describe('sign-off texts', () => {
  it('"Signed so far" counts the reader, as "you", first', () => {
    expect(signedSoFar(v(), 'ana', at)).toBe('Nobody yet');
    expect(signedSoFar(v({}, { ana: '2026-05-03T12:05:00.000Z' }), 'ana', at)).toBe('you (signed 12:05)');
    expect(signedSoFar(v({}, { ana: '2026-05-03T12:05:00.000Z', ben: '2026-05-03T12:01:00.000Z' }), 'ana', at)).toBe('you (signed 12:05) and Ben Brown (Party, signed 12:01)');
  });

  it('the button says what opening it is for: to sign, to read what I signed, to read the signed agreement', () => {
    expect(openLabel(v(), ana)).toBe('Review and sign the agreement');
    expect(openLabel(v({}, { ana: 'x' }), ana)).toBe('Read the agreement you signed');
    expect(openLabel(v({ status: 'signed' }, { ana: 'x', ben: 'y' }), ana)).toBe('Read the signed agreement');
    expect(openLabel(v(), { id: 'maria', role: 'mediator' })).toBe('Read the version frozen for signature');
  });

  it('the live session says a version waits for signatures and that editing withdraws it', () => {
    expect(sessionAgreementNotice(null, ana, true)).toBeNull();
    expect(sessionAgreementNotice(v(), ana, true)).toEqual({
      tone: 'warning',
      title: 'Version 2 is waiting for signatures',
      text: 'Waiting for you and Ben Brown to sign. Editing the draft withdraws it.',
      action: 'Review and sign the agreement',
      mySignatureNeeded: true,
    });
    expect(sessionAgreementNotice(v({}, { ana: 'x' }), ana, true)).toMatchObject({
      text: 'You signed it. Waiting for Ben Brown. Editing the draft withdraws it, with the signatures already given.',
      action: 'Read the agreement you signed',
      mySignatureNeeded: false,
    });
    // The mediator reads it on their own page: no button here, and nothing for them to sign.
    expect(sessionAgreementNotice(v({}, { ben: 'x' }), { id: 'maria', role: 'mediator' }, false)).toMatchObject({
      text: 'Waiting for Ana Alves to sign. Editing the draft withdraws it, with the signatures already given.',
      action: null,
      mySignatureNeeded: false,
    });
    expect(sessionAgreementNotice(v({ status: 'signed' }, { ana: 'x', ben: 'y' }), ana, true)).toMatchObject({ title: 'Version 2 is signed by every party', action: 'Read the signed agreement' });
    expect(sessionAgreementNotice(v({ status: 'voided', voidReason: 'The draft was edited after it was frozen.' }), ana, true)).toMatchObject({
      title: 'Version 2 was withdrawn',
      text: 'The draft was edited after it was frozen, so it can no longer be signed. The mediator can freeze the new text for signature.',
      action: null,
    });
  });
});
