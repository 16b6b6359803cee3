import { describe, expect, it } from 'vitest';
import { ErrorCode, ParleyError } from '@parley/shared';
import { caseFixture } from '../test/services.ts';
import { MediatorAccounts } from './MediatorAccounts.ts';
import { now } from '../store/Store.ts';

/**
 * Two administrators deactivating each other at the same moment (two tabs, or two nodes): the
 * check and the change run one after the other (AccountStore.deactivate), so one of them stays.
 */
describe('the last administrator', () => {
  it('stays when two administrators deactivate each other at once', async () => {
    const { store, keys, auth, mediatorId } = await caseFixture([{ displayName: 'Ana Party', role: 'party', side: 'A' }]);
    // A second administrator (the platform makes only one; an operator may have made another).
    await store.insertMediator({ id: 'mediator-second-admin', display_name: 'Sam Second', created_at: now(), is_admin: 1 });
    const accounts = new MediatorAccounts(store, keys, auth, { baseUrl: () => 'http://x' });
    const results = await Promise.allSettled([accounts.deactivate(mediatorId, 'mediator-second-admin'), accounts.deactivate('mediator-second-admin', mediatorId)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected')!.reason as ParleyError;
    expect(refused.code).toBe(ErrorCode.Conflict);
    expect(refused.message).toBe('The platform needs at least one administrator.');
    const active = (await accounts.list()).mediators.filter((m) => m.isAdmin && m.active);
    expect(active).toHaveLength(1);
    await store.close();
  });
});
