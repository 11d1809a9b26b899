import { CryptoShreddingEventStore, handleCommand, MemoryEventStore, MemorySubjectKeyStore, StreamNotFoundError } from '@hearth/event-store';
import { effectiveProfile } from '../domain/guest.decider';
import { GUEST_PERSONAL_DATA, type Profile } from '../domain/guest.events';
import { identityClaimDecider, IdentityTakenError } from '../domain/identity-claim.decider';
import {
  addIdentity,
  changeConsent,
  eraseGuest,
  exportGuest,
  findGuestByIdentifier,
  loadGuest,
  mergeGuests,
  registerGuest,
  removeIdentity,
  resolveGuest,
  unmergeGuests,
  updateProfile,
} from './guest-use-cases';
import { configureTenant, loadTenant } from './tenant-use-cases';
import { createProfileContext, identityStream, mergeProposalStream, type Caller, type ProfileContext } from './profile-context';

const email = (value: string) => ({ type: 'email' as const, value });
const phone = (value: string) => ({ type: 'phone' as const, value });
const profile = (given: string, extra: Partial<Profile> = {}): Profile => ({ name: { given, family: 'Lopes' }, customerType: 'individual', lifecycleStage: 'prospect', attributes: {}, ...extra });

describe('customer-profile use cases', () => {
  let inner: MemoryEventStore;
  let ctx: ProfileContext;
  let store: CryptoShreddingEventStore;
  let ids = 0;
  let clock = 0;
  const caller: Caller = { tenantId: 't1', actor: 'user:desk-1', brandId: 'hotels', channel: 'front-desk', correlationId: 'corr-1' };

  beforeEach(() => {
    inner = new MemoryEventStore();
    store = new CryptoShreddingEventStore(inner, { keys: new MemorySubjectKeyStore(), personalData: GUEST_PERSONAL_DATA });
    ctx = createProfileContext({
      store,
      destroyGuestKey: (guestId) => store.erase(guestId),
      identityPepper: 'test-pepper',
      newId: () => `id-${++ids}`,
      now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, ++clock)).toISOString(),
    });
  });

  it('shares one read of the tenant among the requests that find its cached configuration expired, and drops a failed one', async () => {
    await configureTenant(ctx, caller, { type: 'AddBrand', brand: { brandId: 'hotels', name: 'Hotels', sharing: 'shared' } });
    const reads = jest.spyOn(inner, 'readStream');
    const loads = await Promise.all([loadTenant(ctx, 't1'), loadTenant(ctx, 't1'), loadTenant(ctx, 't1')]);
    expect(reads).toHaveBeenCalledTimes(1);
    expect(loads.map((l) => Object.keys(l.state.brands))).toEqual([['hotels'], ['hotels'], ['hotels']]);
    expect(loads[1]).toBe(loads[0]);

    reads.mockRejectedValueOnce(new Error('connection lost'));
    await expect(loadTenant(ctx, 't1', { fresh: true })).rejects.toThrow('connection lost');
    expect(Object.keys((await loadTenant(ctx, 't1')).state.brands)).toEqual(['hotels']); // read again, not the failure
    expect(reads).toHaveBeenCalledTimes(3);
    reads.mockRestore();
  });

  it('registers a guest and finds it by any of its identifiers', async () => {
    const { state, version } = await registerGuest(ctx, caller, { profile: profile('Ana'), identities: [email('ana@example.com'), phone('+351912345678')] });
    expect(version).toBe(0);
    expect(await findGuestByIdentifier(ctx, caller, phone('+351912345678'))).toBe(state.guestId);
    expect(await findGuestByIdentifier(ctx, caller, email('nobody@example.com'))).toBeUndefined();
    // identifiers are unique per tenant, not across tenants
    expect(await findGuestByIdentifier(ctx, { ...caller, tenantId: 't2' }, email('ana@example.com'))).toBeUndefined();
    await registerGuest(ctx, { ...caller, tenantId: 't2' }, { profile: profile('Ana'), identities: [email('ana@example.com')] });
  });

  it('answers repeated lookups without reading the claim again, and follows a claim that moved to another guest', async () => {
    const anaId = (await registerGuest(ctx, caller, { profile: profile('Ana'), identities: [email('ana@example.com'), phone('+351912345678')] })).state.guestId!;
    const beaId = (await registerGuest(ctx, caller, { profile: profile('Bea'), identities: [email('bea@example.com')] })).state.guestId!;
    expect(await findGuestByIdentifier(ctx, caller, phone('+351912345678'))).toBe(anaId);
    const claim = identityStream(ctx, caller.tenantId, phone('+351912345678'));
    const reads: string[] = [];
    const readStream = inner.readStream.bind(inner);
    inner.readStream = (stream, options) => (reads.push(stream), readStream(stream, options));
    expect(await findGuestByIdentifier(ctx, caller, phone('+351912345678'))).toBe(anaId);
    expect(reads).toEqual([`guest-${anaId}`]);
    // the phone moves from Ana to Bea: the cached holder no longer holds it, so the claim is read again
    await removeIdentity(ctx, caller, anaId, phone('+351912345678'));
    await addIdentity(ctx, caller, beaId, phone('+351912345678'));
    reads.length = 0;
    expect(await findGuestByIdentifier(ctx, caller, phone('+351912345678'))).toBe(beaId);
    expect(reads).toEqual([`guest-${anaId}`, claim, `guest-${beaId}`]);
    // released and not taken again: nobody
    await removeIdentity(ctx, caller, beaId, phone('+351912345678'));
    expect(await findGuestByIdentifier(ctx, caller, phone('+351912345678'))).toBeUndefined();
    expect(ctx.claimOwners.get(claim)).toBeUndefined();
  });

  it('refuses an identifier held by another guest, naming the holder, and leaves no claim behind', async () => {
    const ana = await registerGuest(ctx, caller, { profile: profile('Ana'), identities: [email('ana@example.com')] });
    const error = await registerGuest(ctx, caller, { profile: profile('Bea'), identities: [phone('+351911111111'), email('ana@example.com')] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdentityTakenError);
    expect((error as IdentityTakenError).ownerId).toBe(ana.state.guestId);
    // the phone claimed before the conflict was given back
    const bea = await registerGuest(ctx, caller, { profile: profile('Bea'), identities: [phone('+351911111111')] });
    expect(await findGuestByIdentifier(ctx, caller, phone('+351911111111'))).toBe(bea.state.guestId);
  });

  it('takes over a claim left behind by a crash', async () => {
    // a claim whose guest was never registered (the process died in between)
    await handleCommand(store, identityClaimDecider, identityStream(ctx, 't1', email('ghost@example.com')), { type: 'ClaimIdentity', guestId: 'ghost' }, {
      metadata: { tenantId: 't1', actor: 'x', correlationId: 'c', causationId: 'c' },
    });
    const real = await registerGuest(ctx, caller, { profile: profile('Gil'), identities: [email('ghost@example.com')] });
    expect(await findGuestByIdentifier(ctx, caller, email('ghost@example.com'))).toBe(real.state.guestId);
  });

  it('scopes guests by tenant: another tenant gets "not found"', async () => {
    const ana = await registerGuest(ctx, caller, { profile: profile('Ana'), identities: [] });
    await expect(loadGuest(ctx, { ...caller, tenantId: 't2' }, ana.state.guestId!)).rejects.toMatchObject({ code: 'GUEST_NOT_FOUND' });
    await expect(updateProfile(ctx, { ...caller, tenantId: 't2' }, ana.state.guestId!, { language: 'en' })).rejects.toMatchObject({ code: 'GUEST_NOT_FOUND' });
  });

  it('honours a pinned version (If-Match)', async () => {
    const ana = await registerGuest(ctx, caller, { profile: profile('Ana'), identities: [] });
    await updateProfile(ctx, caller, ana.state.guestId!, { language: 'en' }, 0);
    await expect(updateProfile(ctx, caller, ana.state.guestId!, { language: 'pt' }, 0)).rejects.toMatchObject({ code: 'WRONG_EXPECTED_VERSION', actualVersion: 1 });
  });

  it('adds and removes identities, keeping the claims in step', async () => {
    const ana = await registerGuest(ctx, caller, { profile: profile('Ana'), identities: [email('ana@example.com')] });
    const bea = await registerGuest(ctx, caller, { profile: profile('Bea'), identities: [] });
    await addIdentity(ctx, caller, ana.state.guestId!, phone('+351912345678'));
    await expect(addIdentity(ctx, caller, bea.state.guestId!, phone('+351912345678'))).rejects.toBeInstanceOf(IdentityTakenError);
    await removeIdentity(ctx, caller, ana.state.guestId!, phone('+351912345678'));
    await addIdentity(ctx, caller, bea.state.guestId!, phone('+351912345678'));
    expect(await findGuestByIdentifier(ctx, caller, phone('+351912345678'))).toBe(bea.state.guestId);
  });

  it('merge: the merged guest’s identifiers reach the survivor; unmerge restores both exactly', async () => {
    const ana = await registerGuest(ctx, caller, { profile: profile('Ana'), identities: [email('ana@example.com')] });
    const dup = await registerGuest(ctx, { ...caller, brandId: 'bistro' }, { profile: profile('Ana Maria', { dateOfBirth: '1990-05-01' }), identities: [phone('+351912345678')] });
    const anaId = ana.state.guestId!;
    const dupId = dup.state.guestId!;
    const before = { ana: effectiveProfile((await loadGuest(ctx, caller, anaId)).state), dup: effectiveProfile((await loadGuest(ctx, caller, dupId)).state) };

    const { mergeId } = await mergeGuests(ctx, { ...caller, actor: 'user:steward' }, anaId, dupId);
    expect(await findGuestByIdentifier(ctx, caller, phone('+351912345678'))).toBe(anaId);
    const merged = await loadGuest(ctx, caller, anaId);
    expect(effectiveProfile(merged.state)!.profile).toMatchObject({ name: { given: 'Ana Maria', family: 'Lopes' }, dateOfBirth: '1990-05-01' });
    await expect(updateProfile(ctx, caller, dupId, { language: 'en' })).rejects.toMatchObject({ code: 'GUEST_MERGED', survivorId: anaId });
    // a stale pinned version is refused before anything is written
    const third = await registerGuest(ctx, caller, { profile: profile('Teo'), identities: [] });
    await expect(mergeGuests(ctx, caller, anaId, third.state.guestId!, { expectedVersion: 0 })).rejects.toMatchObject({ code: 'WRONG_EXPECTED_VERSION' });
    expect((await loadGuest(ctx, caller, third.state.guestId!)).state.status).toBe('active');
    // repeating the merge is harmless
    expect((await mergeGuests(ctx, caller, anaId, dupId)).mergeId).toBe(mergeId);

    await unmergeGuests(ctx, { ...caller, actor: 'user:steward' }, anaId, mergeId);
    expect(await findGuestByIdentifier(ctx, caller, phone('+351912345678'))).toBe(dupId);
    expect(effectiveProfile((await loadGuest(ctx, caller, anaId)).state)).toEqual(before.ana);
    expect(effectiveProfile((await loadGuest(ctx, caller, dupId)).state)).toEqual(before.dup);
  });

  it('erasure: identifiers no longer resolve, personal data is unreadable, facts and audit remain, the identifier is free again', async () => {
    const ana = await registerGuest(ctx, caller, { profile: profile('Ana', { dateOfBirth: '1990-05-01' }), identities: [email('ana@example.com')] });
    const anaId = ana.state.guestId!;
    await changeConsent(ctx, caller, anaId, { brandId: 'hotels', purpose: 'marketing', channel: 'email', granted: true, source: 'web-form' });
    const purged: string[] = [];
    await eraseGuest({ ...ctx, erasureHooks: [async (tenantId, guestId) => purged.push(`${tenantId}/${guestId}`)] }, { ...caller, actor: 'user:admin' }, anaId, 'guest request');
    expect(purged).toEqual([`t1/${anaId}`]);

    expect(await findGuestByIdentifier(ctx, caller, email('ana@example.com'))).toBeUndefined();
    expect(JSON.stringify(await inner.readAll({ limit: 1000 }))).not.toMatch(/Ana|ana@example\.com|1990-05-01/);
    const exported = await exportGuest(ctx, caller, anaId);
    expect(exported.status).toBe('erased');
    expect(exported.audit.map((a) => a.type)).toEqual(['GuestRegistered', 'ConsentChanged', 'GuestErased']);
    expect(exported.audit[0]!.data).toMatchObject({ profile: { name: null, dateOfBirth: null }, identities: [{ type: 'email', value: null }] });
    expect(exported.audit[1]!.data).toMatchObject({ granted: true, purpose: 'marketing' });
    await expect(updateProfile(ctx, caller, anaId, { language: 'en' })).rejects.toMatchObject({ code: 'GUEST_ERASED' });
    // the person may register again
    await registerGuest(ctx, caller, { profile: profile('Ana'), identities: [email('ana@example.com')] });
  });

  it('erasing a merged guest also erases the values the survivor won from it', async () => {
    const ana = await registerGuest(ctx, caller, { profile: profile('Ana'), identities: [email('ana@example.com')] });
    const dup = await registerGuest(ctx, caller, { profile: profile('Zacarias', { dateOfBirth: '1971-02-03' }), identities: [phone('+351912345678')] });
    await mergeGuests(ctx, caller, ana.state.guestId!, dup.state.guestId!);
    expect(effectiveProfile((await loadGuest(ctx, caller, ana.state.guestId!)).state)!.profile).toMatchObject({ name: { given: 'Zacarias' }, dateOfBirth: '1971-02-03' });

    await eraseGuest(ctx, caller, dup.state.guestId!, 'request of the merged person');
    const survivor = effectiveProfile((await loadGuest(ctx, caller, ana.state.guestId!)).state)!.profile;
    expect(survivor.name).toEqual({ given: 'Ana', family: 'Lopes' }); // the survivor's own value again
    expect(survivor.dateOfBirth).toBeUndefined();
    const everything = JSON.stringify(await store.readAll({ limit: 1000 }));
    expect(everything).not.toMatch(/Zacarias|1971-02-03|\+351912345678/);
    expect(everything).toContain('ana@example.com'); // the survivor's data is untouched
  });

  it('exports profile, identities, preferences, consents with history and the audit trail', async () => {
    const ana = await registerGuest(ctx, caller, { profile: profile('Ana'), identities: [email('ana@example.com')] });
    const id = ana.state.guestId!;
    await changeConsent(ctx, caller, id, { brandId: 'hotels', purpose: 'marketing', channel: 'email', granted: true, source: 'web-form' });
    await changeConsent(ctx, { ...caller, channel: 'phone' }, id, { brandId: 'hotels', purpose: 'marketing', channel: 'email', granted: false, source: 'call-centre' });
    const exported = await exportGuest(ctx, caller, id);
    expect(exported.profile).toMatchObject({ name: { given: 'Ana' } });
    expect(exported.identities).toEqual([email('ana@example.com')]);
    expect(exported.consents.current).toEqual([{ brandId: 'hotels', purpose: 'marketing', channel: 'email', granted: false }]);
    expect(exported.consents.history.map((h) => [h.channel, (h.data as { granted: boolean }).granted])).toEqual([['front-desk', true], ['phone', false]]);
    expect(exported.audit.every((a) => a.actor === 'user:desk-1' && a.brandId === 'hotels')).toBe(true);
  });

  describe('resolve', () => {
    it('creates a provisional guest for unknown identifiers', async () => {
      const result = await resolveGuest(ctx, caller, [email('new@example.com')]);
      expect(result).toMatchObject({ kind: 'matched', created: true });
      const guest = await loadGuest(ctx, caller, (result as { guestId: string }).guestId);
      expect(guest.state.provisional).toBe(true);
    });

    it('matches the one guest and attaches identifiers it lacked', async () => {
      const ana = await registerGuest(ctx, caller, { profile: profile('Ana'), identities: [email('ana@example.com')] });
      const result = await resolveGuest(ctx, caller, [email('ana@example.com'), { type: 'external', system: 'opera-pms', value: 'P-7' }]);
      expect(result).toMatchObject({ kind: 'matched', guestId: ana.state.guestId });
      expect(await findGuestByIdentifier(ctx, caller, { type: 'external', system: 'opera-pms', value: 'P-7' })).toBe(ana.state.guestId);
    });

    it('does not guess between two guests: candidates plus a merge proposal', async () => {
      const ana = await registerGuest(ctx, caller, { profile: profile('Ana'), identities: [email('ana@example.com')] });
      const bea = await registerGuest(ctx, caller, { profile: profile('Bea'), identities: [phone('+351912345678')] });
      const result = await resolveGuest(ctx, caller, [email('ana@example.com'), phone('+351912345678')]);
      expect(result.kind).toBe('ambiguous');
      expect((result as { candidates: { guestId: string }[] }).candidates.map((c) => c.guestId).sort()).toEqual([ana.state.guestId, bea.state.guestId].sort());
      const proposal = await store.readStream(mergeProposalStream('t1', (result as { proposalId: string }).proposalId));
      expect(proposal[0]!.type).toBe('MergeProposed');
      await expect(store.readStream(mergeProposalStream('t1', 'nope'))).rejects.toBeInstanceOf(StreamNotFoundError);
    });
  });
});
