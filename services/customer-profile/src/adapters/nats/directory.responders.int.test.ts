import { randomUUID } from 'node:crypto';
import { guestSummaryReplySchema, tenantDirectoryReplySchema, type GuestSummaryReply, type TenantDirectory } from '@hearth/contracts';
import { CryptoShreddingEventStore, MemoryEventStore, MemorySubjectKeyStore } from '@hearth/event-store';
import { connectMessaging, type Messaging, type Responder } from '@hearth/messaging';
import { changeConsent, eraseGuest, mergeGuests, registerGuest, setPreference } from '../../app/guest-use-cases';
import { createProfileContext, type ProfileContext } from '../../app/profile-context';
import { configureTenant } from '../../app/tenant-use-cases';
import { GUEST_PERSONAL_DATA } from '../../domain/guest.events';
import { createDirectoryResponders } from './directory.responders';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

describe('rpc.customer-profile.guest-summary and tenant-directory over the real NATS', () => {
  let messaging: Messaging;
  let responders: Responder[];
  let ctx: ProfileContext;
  const tenantId = `t-${randomUUID()}`;
  const caller = { tenantId, actor: 'user:desk', brandId: 'hotels', correlationId: 'c-1' };
  // subjects of their own: a running customer-profile answers the real ones
  const suffix = randomUUID().slice(0, 8);
  const subjects = { guestSummary: `rpc.customer-profile-test-${suffix}.guest-summary`, tenantDirectory: `rpc.customer-profile-test-${suffix}.tenant-directory` };
  const profile = { name: { given: 'Ana', family: 'Silva' }, dateOfBirth: '1990-03-14', language: 'pt-PT', customerType: 'individual' as const, lifecycleStage: 'repeat' as const, attributes: {} };

  beforeAll(async () => {
    messaging = await connectMessaging({ servers: NATS_URL, name: 'customer-profile-test' });
    const store = new CryptoShreddingEventStore(new MemoryEventStore(), { keys: new MemorySubjectKeyStore(), personalData: GUEST_PERSONAL_DATA });
    ctx = createProfileContext({ store, destroyGuestKey: (g) => store.erase(g), identityPepper: 'pepper-for-tests', tenantCacheMs: 0 });
    responders = createDirectoryResponders(messaging, ctx, { subjects });
  });
  afterAll(async () => {
    for (const r of responders) await r.stop();
    await messaging.drain();
  });

  const summary = (guestId: string, tenant = tenantId) =>
    messaging.request<GuestSummaryReply>(subjects.guestSummary, { tenantId: tenant, guestId }, { timeoutMs: 5_000, responseSchema: guestSummaryReplySchema });

  it('answers a guest with its profile, masked identifiers, preferences and consents', async () => {
    const { state } = await registerGuest(ctx, caller, { profile, identities: [{ type: 'email', value: 'ana.silva@example.com' }, { type: 'phone', value: '+351912345678' }] });
    const guestId = state.guestId!;
    await setPreference(ctx, caller, guestId, { key: 'pillow', value: 'feather-free', kind: 'preference', scope: 'brand', brandId: 'hotels', source: 'front-desk' });
    await changeConsent(ctx, caller, guestId, { brandId: 'hotels', purpose: 'marketing', channel: 'email', granted: true, source: 'web-form' });

    const reply = await summary(guestId);
    expect(reply.found).toBe(true);
    const guest = (reply as Extract<GuestSummaryReply, { found: true }>).guest;
    expect(guest).toMatchObject({ guestId, status: 'active', survivorId: null, name: { given: 'Ana', family: 'Silva' }, dateOfBirth: '1990-03-14', language: 'pt-PT', lifecycleStage: 'repeat' });
    expect(guest.identifiers).toEqual([
      { type: 'email', masked: 'a***@example.com' },
      { type: 'phone', masked: '+35*******678' },
    ]);
    expect(guest.preferences).toEqual([{ key: 'pillow', kind: 'preference', scope: 'brand', brandId: 'hotels', value: 'feather-free', setAt: null }]);
    expect(guest.consents).toEqual([{ brandId: 'hotels', purpose: 'marketing', channel: 'email', granted: true, at: null }]);
    expect(guest.version).toBe(2);
  });

  it('is "not found" for an unknown guest and for a guest of another tenant', async () => {
    const { state } = await registerGuest(ctx, caller, { profile, identities: [{ type: 'email', value: `x-${suffix}@example.com` }] });
    expect(await summary(`missing-${randomUUID()}`)).toEqual({ found: false });
    expect(await summary(state.guestId!, `other-${tenantId}`)).toEqual({ found: false });
  });

  it('names the survivor of a merged guest, and keeps nothing personal of an erased one', async () => {
    const a = await registerGuest(ctx, caller, { profile, identities: [{ type: 'member', value: `M-${suffix}-1` }] });
    const b = await registerGuest(ctx, caller, { profile, identities: [{ type: 'member', value: `M-${suffix}-2` }] });
    const steward = { ...caller, actor: 'user:steward' };
    await mergeGuests(ctx, steward, a.state.guestId!, b.state.guestId!);
    expect(await summary(b.state.guestId!)).toMatchObject({ found: true, guest: { status: 'merged', survivorId: a.state.guestId, name: null, identifiers: [] } });

    await eraseGuest(ctx, caller, a.state.guestId!, 'guest request');
    expect(await summary(a.state.guestId!)).toMatchObject({ found: true, guest: { status: 'erased', name: null, dateOfBirth: null, identifiers: [], preferences: [], consents: [] } });
  });

  it('lists brands, properties and who sees whom under the data-sharing agreements', async () => {
    const admin = { ...caller, actor: 'user:admin' };
    await configureTenant(ctx, admin, { type: 'AddBrand', brand: { brandId: 'hotels', name: 'Harbour Hotels', sharing: 'shared' } });
    await configureTenant(ctx, admin, { type: 'AddBrand', brand: { brandId: 'bistro', name: 'Bistro', sharing: 'shared' } });
    await configureTenant(ctx, admin, { type: 'AddBrand', brand: { brandId: 'shop', name: 'Shop', sharing: 'private' } });
    await configureTenant(ctx, admin, { type: 'AddProperty', property: { propertyId: 'lis-1', brandId: 'hotels', name: 'Lisbon', kind: 'hotel', country: 'PT', timeZone: 'Europe/Lisbon' } });

    const directory = await messaging.request<TenantDirectory>(subjects.tenantDirectory, { tenantId }, { timeoutMs: 5_000, responseSchema: tenantDirectoryReplySchema });
    expect(directory.brands.map((b) => b.brandId).sort()).toEqual(['bistro', 'hotels', 'shop']);
    expect(directory.properties).toEqual([{ propertyId: 'lis-1', brandId: 'hotels', name: 'Lisbon', timeZone: 'Europe/Lisbon' }]);
    expect(directory.visibleBrands).toEqual({ hotels: ['bistro', 'hotels'], bistro: ['bistro', 'hotels'], shop: ['shop'] });
  });
});
