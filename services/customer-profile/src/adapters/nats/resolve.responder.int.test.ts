import { randomUUID } from 'node:crypto';
import { CryptoShreddingEventStore, MemoryEventStore, MemorySubjectKeyStore } from '@hearth/event-store';
import { connectMessaging, type Messaging, type Responder } from '@hearth/messaging';
import { registerGuest } from '../../app/guest-use-cases';
import { createProfileContext, type ProfileContext } from '../../app/profile-context';
import { GUEST_PERSONAL_DATA } from '../../domain/guest.events';
import { createResolveResponder, type ResolveReply } from './resolve.responder';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

describe('rpc.customer-profile.resolve over the real NATS', () => {
  let messaging: Messaging;
  let responder: Responder;
  let ctx: ProfileContext;
  const tenantId = `t-${randomUUID()}`;
  // a subject of its own: a running customer-profile (npm start, a benchmark) answers the real one
  const subject = `rpc.customer-profile-test-${randomUUID().slice(0, 8)}.resolve`;

  beforeAll(async () => {
    messaging = await connectMessaging({ servers: NATS_URL, name: 'customer-profile-test' });
    const store = new CryptoShreddingEventStore(new MemoryEventStore(), { keys: new MemorySubjectKeyStore(), personalData: GUEST_PERSONAL_DATA });
    ctx = createProfileContext({ store, destroyGuestKey: (g) => store.erase(g), identityPepper: 'pepper-for-tests' });
    responder = createResolveResponder(messaging, ctx, { subject });
  });
  afterAll(async () => {
    await responder.stop();
    await messaging.drain();
  });

  const ask = (identifiers: { type: string; value: string }[]) =>
    messaging.request<ResolveReply>(subject, { tenantId, identifiers, actor: 'service:test' }, { timeoutMs: 5_000 });

  it('creates a provisional guest, then matches it by any of its identifiers', async () => {
    const first = await ask([{ type: 'email', value: `new-${randomUUID()}@example.com` }, { type: 'member', value: 'HX-77' }]);
    expect(first.outcome).toBe('created');
    const again = await ask([{ type: 'member', value: 'hx-77' }]);
    expect(again).toEqual({ outcome: 'matched', guestId: (first as { guestId: string }).guestId });
  });

  it('returns candidates and a merge proposal when identifiers point to different guests', async () => {
    const caller = { tenantId, actor: 'user:x', brandId: 'hotels', correlationId: 'c' };
    const a = await registerGuest(ctx, caller, { profile: { customerType: 'individual', lifecycleStage: 'prospect', attributes: {} }, identities: [{ type: 'email', value: 'a@example.com' }] });
    const b = await registerGuest(ctx, caller, { profile: { customerType: 'individual', lifecycleStage: 'prospect', attributes: {} }, identities: [{ type: 'phone', value: '+351912345678' }] });
    const reply = await ask([{ type: 'email', value: 'A@example.com' }, { type: 'phone', value: '+351 912 345 678' }]);
    expect(reply.outcome).toBe('ambiguous');
    expect((reply as { candidates: { guestId: string }[] }).candidates.map((c) => c.guestId).sort()).toEqual([a.state.guestId, b.state.guestId].sort());
  });

  it('answers an invalid identifier with a typed remote error naming the field', async () => {
    const error = await ask([{ type: 'email', value: 'not-an-email' }]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REMOTE_ERROR', remoteCode: 'INVALID_IDENTIFIER' });
  });
});
