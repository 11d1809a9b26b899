import { deciderSpec } from '@hearth/testing';
import { effectiveProfile, guestDecider, type GuestState } from './guest.decider';
import type { GuestEvent, Profile } from './guest.events';

const spec = deciderSpec(guestDecider);
const ana: Profile = { name: { given: 'Ana', family: 'Lopes' }, customerType: 'individual', lifecycleStage: 'prospect', attributes: {} };
const email = { type: 'email' as const, value: 'ana@example.com' };
const meta = (occurredAt: string, extra: Record<string, string> = {}) => ({
  tenantId: 't', actor: 'user:desk-1', correlationId: 'c', causationId: 'c', occurredAt, schemaVersion: 1, ...extra,
});
const registered = (guestId = 'g1', profile = ana): GuestEvent => ({ type: 'GuestRegistered', data: { guestId, profile, identities: [email], provisional: false } });
const fold = (events: GuestEvent[]): GuestState => events.reduce(guestDecider.evolve, guestDecider.initialState());

describe('guest decider', () => {
  describe('RegisterGuest', () => {
    it('registers a new guest', () =>
      spec.given([]).when({ type: 'RegisterGuest', guestId: 'g1', profile: ana, identities: [email], provisional: false }).then([registered()]));
    it('ignores an identical repeat', () =>
      spec.given([registered()]).when({ type: 'RegisterGuest', guestId: 'g1', profile: ana, identities: [email], provisional: false }).thenNothingHappened());
    it('refuses a different registration for an existing guest', () =>
      spec.given([registered()]).when({ type: 'RegisterGuest', guestId: 'g1', profile: { ...ana, language: 'pt' }, identities: [], provisional: false }).thenThrows('GUEST_ALREADY_EXISTS'));
  });

  describe('UpdateProfile', () => {
    it('records only what changes', () =>
      spec.given([registered()]).when({ type: 'UpdateProfile', changes: { name: ana.name, language: 'pt-PT', attributes: { vip: true } } })
        .then([{ type: 'ProfileUpdated', data: { changes: { language: 'pt-PT', attributes: { vip: true } } } }]));
    it('does nothing when nothing changes', () =>
      spec.given([registered()]).when({ type: 'UpdateProfile', changes: { name: ana.name, lifecycleStage: 'prospect' } }).thenNothingHappened());
    it('clears a field with null', () => {
      const state = fold([registered('g1', { ...ana, language: 'en' }), { type: 'ProfileUpdated', data: { changes: { language: null } } }]);
      expect(state.base!.language).toBeUndefined();
    });
    it('refuses an unknown guest', () => spec.given([]).when({ type: 'UpdateProfile', changes: { language: 'en' } }).thenThrows('GUEST_NOT_FOUND'));
    it('points a merged guest to its survivor', () => {
      let error: unknown;
      try {
        guestDecider.decide({ type: 'UpdateProfile', changes: { language: 'en' } }, fold([registered(), { type: 'GuestMergedInto', data: { mergeId: 'm1', survivorId: 'g9' } }]));
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'GUEST_MERGED', survivorId: 'g9' });
    });
    it('refuses an erased guest', () =>
      spec.given([registered(), { type: 'GuestErased', data: { reason: 'request' } }]).when({ type: 'UpdateProfile', changes: { language: 'en' } }).thenThrows('GUEST_ERASED'));
  });

  describe('identities', () => {
    const phone = { type: 'phone' as const, value: '+351912345678' };
    it('adds an identity once', () => {
      spec.given([registered()]).when({ type: 'AddIdentity', identity: phone }).then([{ type: 'IdentityAdded', data: { identity: phone } }]);
      spec.given([registered()]).when({ type: 'AddIdentity', identity: email }).thenNothingHappened();
    });
    it('removes an identity the guest has, and ignores one it has not', () => {
      spec.given([registered()]).when({ type: 'RemoveIdentity', identity: email }).then([{ type: 'IdentityRemoved', data: { identity: email } }]);
      spec.given([registered()]).when({ type: 'RemoveIdentity', identity: phone }).thenNothingHappened();
    });
  });

  describe('preferences', () => {
    const pillow = { key: 'pillow', value: 'feather-free', kind: 'preference' as const, scope: 'shared' as const, source: 'front-desk' };
    it('sets and changes a preference, ignoring a repeat', () => {
      spec.given([registered()]).when({ type: 'SetPreference', ...pillow }).then([{ type: 'PreferenceSet', data: pillow }]);
      spec.given([registered(), { type: 'PreferenceSet', data: pillow }]).when({ type: 'SetPreference', ...pillow }).thenNothingHappened();
    });
    it('keeps brand-private preferences apart from shared ones', () => {
      const state = fold([registered(), { type: 'PreferenceSet', data: pillow }, { type: 'PreferenceSet', data: { ...pillow, scope: 'brand', brandId: 'b1', value: 'firm' } }]);
      expect(Object.keys(state.preferences).sort()).toEqual(['brand:b1:pillow', 'shared::pillow']);
    });
    it('validates the scope', () => {
      spec.given([registered()]).when({ type: 'SetPreference', ...pillow, scope: 'brand' }).thenThrows('INVALID_PREFERENCE');
      spec.given([registered()]).when({ type: 'SetPreference', ...pillow, brandId: 'b1' }).thenThrows('INVALID_PREFERENCE');
    });
    it('removes a preference', () => {
      spec.given([registered(), { type: 'PreferenceSet', data: pillow }]).when({ type: 'RemovePreference', key: 'pillow', scope: 'shared' })
        .then([{ type: 'PreferenceRemoved', data: { key: 'pillow', scope: 'shared' } }]);
      spec.given([registered()]).when({ type: 'RemovePreference', key: 'pillow', scope: 'shared' }).thenNothingHappened();
    });
  });

  describe('consent', () => {
    const grant = { brandId: 'b1', purpose: 'marketing' as const, channel: 'email' as const, granted: true, source: 'web-form' };
    it('records a grant, a revoke, and an explicit first revoke; ignores repeats', () => {
      spec.given([registered()]).when({ type: 'ChangeConsent', ...grant }).then([{ type: 'ConsentChanged', data: grant }]);
      spec.given([registered(), { type: 'ConsentChanged', data: grant }]).when({ type: 'ChangeConsent', ...grant }).thenNothingHappened();
      spec.given([registered(), { type: 'ConsentChanged', data: grant }]).when({ type: 'ChangeConsent', ...grant, granted: false })
        .then([{ type: 'ConsentChanged', data: { ...grant, granted: false } }]);
      spec.given([registered()]).when({ type: 'ChangeConsent', ...grant, granted: false }).then([{ type: 'ConsentChanged', data: { ...grant, granted: false } }]);
    });
  });

  describe('merge and unmerge', () => {
    const survivorEvents: GuestEvent[] = [
      { ...registered('g1', { ...ana, language: 'en' }), metadata: meta('2026-01-01T00:00:00Z', { brandId: 'b1' }) },
    ];
    const mergedEvents: GuestEvent[] = [
      { ...registered('g2', { name: { given: 'Ana', family: 'Lopes Silva' }, dateOfBirth: '1990-05-01', language: 'pt-PT', customerType: 'individual', lifecycleStage: 'repeat', attributes: {} }), metadata: meta('2026-03-01T00:00:00Z', { brandId: 'b2', channel: 'web' }) },
    ];
    const merged = effectiveProfile(fold(mergedEvents))!;

    it('explains survivorship: which value won, by which rule, from which source and when', () => {
      const [absorbed] = guestDecider.decide({ type: 'AbsorbGuest', mergeId: 'm1', merged }, fold(survivorEvents));
      expect(absorbed!.type).toBe('GuestAbsorbed');
      const decisions = (absorbed as Extract<GuestEvent, { type: 'GuestAbsorbed' }>).data.survivorship;
      expect(decisions).toEqual([
        { field: 'name', winner: 'merged', rule: 'most-recent', value: { given: 'Ana', family: 'Lopes Silva' }, source: { guestId: 'g2', at: '2026-03-01T00:00:00Z', actor: 'user:desk-1', brandId: 'b2', channel: 'web' } },
        { field: 'dateOfBirth', winner: 'merged', rule: 'only-value', value: '1990-05-01', source: expect.objectContaining({ guestId: 'g2' }) },
        { field: 'language', winner: 'merged', rule: 'most-recent', value: 'pt-PT', source: expect.objectContaining({ guestId: 'g2' }) },
        { field: 'lifecycleStage', winner: 'merged', rule: 'most-recent', value: 'repeat', source: expect.objectContaining({ guestId: 'g2' }) },
      ]);
    });

    it('keeps the survivor value when it is the more recent one', () => {
      const olderMerged = { ...merged, provenance: Object.fromEntries(Object.entries(merged.provenance).map(([f, p]) => [f, { ...p!, at: '2025-01-01T00:00:00Z' }])) };
      const [absorbed] = guestDecider.decide({ type: 'AbsorbGuest', mergeId: 'm1', merged: olderMerged }, fold(survivorEvents));
      const byField = Object.fromEntries((absorbed as Extract<GuestEvent, { type: 'GuestAbsorbed' }>).data.survivorship.map((d) => [d.field, d.winner]));
      expect(byField).toEqual({ name: 'survivor', dateOfBirth: 'merged', language: 'survivor', lifecycleStage: 'survivor' });
    });

    it('unmerge restores both guests exactly, also after the survivor changed in between', () => {
      const before = fold(survivorEvents);
      const [absorbed] = guestDecider.decide({ type: 'AbsorbGuest', mergeId: 'm1', merged }, before);
      const afterMerge = guestDecider.evolve(before, absorbed!);
      expect(effectiveProfile(afterMerge)!.profile.language).toBe('pt-PT');
      const updated = guestDecider.evolve(afterMerge, { type: 'PreferenceSet', data: { key: 'floor', value: 'high', kind: 'preference', scope: 'shared', source: 'x' } });
      const [unabsorbed] = guestDecider.decide({ type: 'UnabsorbGuest', mergeId: 'm1' }, updated);
      const restored = guestDecider.evolve(updated, unabsorbed!);
      expect(effectiveProfile(restored)).toEqual(effectiveProfile(before));
      expect(restored.preferences).toEqual(updated.preferences); // the survivor's own later change stays
    });

    it('an explicit update after the merge wins over the merged value and survives unmerge', () => {
      const [absorbed] = guestDecider.decide({ type: 'AbsorbGuest', mergeId: 'm1', merged }, fold(survivorEvents));
      const state = fold([...survivorEvents, absorbed!, { type: 'ProfileUpdated', data: { changes: { language: 'es' } } }, { type: 'GuestUnabsorbed', data: { mergeId: 'm1', mergedId: 'g2' } }]);
      expect(effectiveProfile(state)!.profile.language).toBe('es');
      expect(effectiveProfile(state)!.profile.dateOfBirth).toBeUndefined();
    });

    it('records the merge on the merged guest, idempotently, and restores it', () => {
      spec.given(mergedEvents).when({ type: 'MergeInto', mergeId: 'm1', survivorId: 'g1' }).then([{ type: 'GuestMergedInto', data: { mergeId: 'm1', survivorId: 'g1' } }]);
      spec.given([...mergedEvents, { type: 'GuestMergedInto', data: { mergeId: 'm1', survivorId: 'g1' } }]).when({ type: 'MergeInto', mergeId: 'm1', survivorId: 'g1' }).thenNothingHappened();
      spec.given([...mergedEvents, { type: 'GuestMergedInto', data: { mergeId: 'm1', survivorId: 'g1' } }]).when({ type: 'MergeInto', mergeId: 'm2', survivorId: 'g3' }).thenThrows('ALREADY_MERGED');
      spec.given([...mergedEvents, { type: 'GuestMergedInto', data: { mergeId: 'm1', survivorId: 'g1' } }]).when({ type: 'RestoreGuest', mergeId: 'm1' })
        .then([{ type: 'GuestRestored', data: { mergeId: 'm1', survivorId: 'g1' } }]);
      spec.given(mergedEvents).when({ type: 'RestoreGuest', mergeId: 'm1' }).thenNothingHappened();
      spec.given([...mergedEvents, { type: 'GuestMergedInto', data: { mergeId: 'm1', survivorId: 'g1' } }]).when({ type: 'RestoreGuest', mergeId: 'm9' }).thenThrows('MERGE_NOT_FOUND');
    });

    it('refuses merging a guest with itself and unknown unmerges', () => {
      spec.given(mergedEvents).when({ type: 'MergeInto', mergeId: 'm1', survivorId: 'g2' }).thenThrows('CANNOT_MERGE_WITH_ITSELF');
      spec.given(survivorEvents).when({ type: 'AbsorbGuest', mergeId: 'm1', merged: { ...merged, guestId: 'g1' } }).thenThrows('CANNOT_MERGE_WITH_ITSELF');
      spec.given(survivorEvents).when({ type: 'UnabsorbGuest', mergeId: 'm1' }).thenThrows('MERGE_NOT_FOUND');
    });

    it('absorbs a merge only once', () => {
      const [absorbed] = guestDecider.decide({ type: 'AbsorbGuest', mergeId: 'm1', merged }, fold(survivorEvents));
      spec.given([...survivorEvents, absorbed!]).when({ type: 'AbsorbGuest', mergeId: 'm1', merged }).thenNothingHappened();
    });
  });

  describe('EraseGuest', () => {
    it('erases once; an erased guest keeps nothing personal in its state', () => {
      spec.given([registered()]).when({ type: 'EraseGuest', reason: 'guest request' }).then([{ type: 'GuestErased', data: { reason: 'guest request' } }]);
      spec.given([registered(), { type: 'GuestErased', data: { reason: 'x' } }]).when({ type: 'EraseGuest', reason: 'again' }).thenNothingHappened();
      spec.given([]).when({ type: 'EraseGuest', reason: 'x' }).thenThrows('GUEST_NOT_FOUND');
      const erased = fold([registered(), { type: 'GuestErased', data: { reason: 'x' } }]);
      expect(erased).toMatchObject({ status: 'erased', identities: [], preferences: {}, guestId: 'g1' });
      expect(erased.base).toBeUndefined();
    });
  });

  it('remembers the brands the guest has a relationship with', () => {
    const state = fold([
      { ...registered(), metadata: meta('2026-01-01T00:00:00Z', { brandId: 'b1' }) },
      { type: 'ConsentChanged', data: { brandId: 'b2', purpose: 'marketing', channel: 'email', granted: true, source: 'x' }, metadata: meta('2026-01-02T00:00:00Z', { brandId: 'b2' }) },
      { type: 'ConsentChanged', data: { brandId: 'b2', purpose: 'marketing', channel: 'sms', granted: true, source: 'x' }, metadata: meta('2026-01-03T00:00:00Z', { brandId: 'b2' }) },
    ]);
    expect(state.brands).toEqual(['b1', 'b2']);
  });

  it('ignores unknown event types (forward compatibility)', () => {
    const state = fold([registered()]);
    expect(guestDecider.evolve(state, { type: 'SomethingNew', data: {} } as unknown as GuestEvent)).toBe(state);
  });
});
