import { hearthContracts } from '@hearth/contracts';
import { CryptoShreddingEventStore, MemoryEventStore, MemorySubjectKeyStore } from '@hearth/event-store';
import { GUEST_PERSONAL_DATA } from '../domain/guest.events';
import { addIdentity, changeConsent, eraseGuest, mergeGuests, registerGuest, setPreference, unmergeGuests, updateProfile } from './guest-use-cases';
import { toIntegrationEvent } from './integration-events.mapper';
import { createProfileContext, type Caller } from './profile-context';

describe('integration events from the raw (encrypted) store', () => {
  it('maps every guest change to a valid contract without a single personal value', async () => {
    const inner = new MemoryEventStore();
    const store = new CryptoShreddingEventStore(inner, { keys: new MemorySubjectKeyStore(), personalData: GUEST_PERSONAL_DATA });
    let n = 0;
    const ctx = createProfileContext({ store, destroyGuestKey: (g) => store.erase(g), identityPepper: 'pepper-for-tests', newId: () => `id-${++n}` });
    const caller: Caller = { tenantId: 't1', actor: 'user:1', brandId: 'hotels', channel: 'front-desk', correlationId: 'corr' };
    const ana = (await registerGuest(ctx, caller, { profile: { name: { given: 'Ana', family: 'Lopes' }, customerType: 'individual', lifecycleStage: 'prospect', attributes: {} }, identities: [{ type: 'email', value: 'ana@example.com' }] })).state.guestId!;
    const dup = (await registerGuest(ctx, caller, { profile: { customerType: 'individual', lifecycleStage: 'prospect', attributes: {} }, identities: [] })).state.guestId!;
    await updateProfile(ctx, caller, ana, { lifecycleStage: 'repeat', dateOfBirth: '1990-01-01' });
    await addIdentity(ctx, caller, ana, { type: 'external', system: 'opera-pms', value: 'P-1' });
    await setPreference(ctx, caller, ana, { key: 'allergy', value: 'nuts', kind: 'special-request', scope: 'brand', brandId: 'hotels', source: 'desk' });
    await changeConsent(ctx, caller, ana, { brandId: 'hotels', purpose: 'marketing', channel: 'email', granted: true, source: 'web' });
    const { mergeId } = await mergeGuests(ctx, caller, ana, dup);
    await unmergeGuests(ctx, caller, ana, mergeId);
    await eraseGuest(ctx, caller, ana, 'request');

    const drafts = (await inner.readAll({ limit: 1000 })).map(toIntegrationEvent).filter((d) => d !== null);
    expect(drafts.map((d) => d!.type.split('.')[2])).toEqual([
      'guest-registered', 'guest-registered', 'guest-profile-updated', 'guest-identity-added', 'guest-preference-set',
      'guest-consent-changed', 'guests-merged', 'guests-unmerged', 'guest-erased',
    ]);
    for (const draft of drafts) {
      const envelope = hearthContracts.parse({ ...draft, id: '0b5e3c1e-7a0a-4b1e-9c1d-2f3a4b5c6d7e' });
      expect(envelope.tenantId).toBe('t1');
    }
    expect(drafts[2]!.data).toEqual({ guestId: ana, changedFields: ['dateOfBirth', 'lifecycleStage'], lifecycleStage: 'repeat' });
    expect(drafts[6]!.data).toEqual({ mergeId, survivorId: ana, mergedId: dup });
    expect(JSON.stringify(drafts)).not.toMatch(/Ana|Lopes|ana@example|1990-01-01|nuts|P-1/);
  });
});
