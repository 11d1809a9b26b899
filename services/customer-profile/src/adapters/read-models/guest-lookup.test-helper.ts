/**
 * The lookup read model's conformance scenario, run on every backend pair (memory, PostgreSQL): the fast
 * path answers exactly what the event store answers, only when it is current, and follows merges,
 * unmerges and erasures.
 */
import type { EventStore } from '@hearth/event-store';
import type { DocumentStore, ProjectionRunner } from '@hearth/read-models';
import { guestFromReadModel, lookupFromReadModel, type GuestLookupReadModel } from '../../app/guest-lookup';
import {
  addIdentity,
  eraseGuest,
  loadGuest,
  lookupGuest,
  mergeGuests,
  registerGuest,
  removeIdentity,
  unmergeGuests,
  updateProfile,
} from '../../app/guest-use-cases';
import { createProfileContext, guestStream, identityStream, type Caller, type ProfileContext } from '../../app/profile-context';
import type { Profile } from '../../domain/guest.events';
import { normaliseIdentity, type Identity } from '../../domain/identifiers';
import { guestLookupErasureHook } from './guest-lookup.erasure';
import { createGuestLookupProjection } from './guest-lookup.projection';

export const LOOKUP_TENANT = 't1';
const caller: Caller = { tenantId: LOOKUP_TENANT, actor: 'user:desk-1', brandId: 'hotels', correlationId: 'lookup-conformance' };
const PEPPER = 'lookup-test-pepper';

export type LookupBackend = {
  /** The decrypting store (with `erase`). */
  store: EventStore & { erase(subject: string): Promise<void> };
  readModels: DocumentStore;
  readModel: GuestLookupReadModel;
  /** Tables (or collections) whose text holds `needle`: empty when the backend cannot search text. */
  textSearch?: (needle: string) => Promise<string[]>;
  close(): Promise<void>;
};

const profile = (given: string, family: string): Profile => ({ name: { given, family }, customerType: 'individual', lifecycleStage: 'prospect', attributes: {} });
const email = (value: string) => normaliseIdentity({ type: 'email', value });
const phone = (value: string) => normaliseIdentity({ type: 'phone', value });

export function describeGuestLookupConformance(name: string, open: () => Promise<LookupBackend>): void {
  describe(`guest lookup read model: ${name}`, () => {
    let backend: LookupBackend;
    let ctx: ProfileContext;
    let runner: ProjectionRunner;

    beforeEach(async () => {
      backend = await open();
      ctx = createProfileContext({
        store: backend.store,
        destroyGuestKey: (guestId) => backend.store.erase(guestId),
        identityPepper: PEPPER,
        erasureHooks: [guestLookupErasureHook(backend.readModels)],
        lookupReadModel: backend.readModel,
      });
      runner = createGuestLookupProjection({ events: backend.store, store: backend.readModels, identityPepper: PEPPER });
      await runner.start();
    });

    afterEach(async () => {
      await runner.stop();
      await backend.close();
    });

    /** Waits until the projection has applied the last event of each guest's stream (readAll may not show the newest yet). */
    const caughtUp = async (...guestIds: string[]) => {
      const heads = await Promise.all(guestIds.map(async (id) => (await backend.store.readStream(guestStream(id))).at(-1)!.globalPosition));
      await runner.waitForPosition(Math.max(...heads), { timeoutMs: 15_000 });
    };
    /** What the read model alone answers (undefined: not current, the event store must answer). */
    const fast = (identity: Identity) => lookupFromReadModel(backend.readModel, LOOKUP_TENANT, identityStream(ctx, LOOKUP_TENANT, identity), identity);
    const slow = async (identity: Identity) => lookupGuest({ ...ctx, lookupReadModel: undefined }, caller, identity);
    const register = async (given: string, family: string, identities: Identity[]) =>
      (await registerGuest(ctx, caller, { profile: profile(given, family), identities })).state.guestId!;

    it('answers from the read model once it is current, exactly as the event store does', async () => {
      const ana = await register('Ana', 'Anaya', [email('ana@example.com'), phone('+351 912 000 001')]);
      await caughtUp(ana);
      const found = await fast(phone('+351912000001'));
      expect(found?.state.guestId).toBe(ana);
      expect(found?.version).toBe(0);
      expect(found).toEqual(await slow(phone('+351912000001')));
      expect(found?.state.base?.name).toEqual({ given: 'Ana', family: 'Anaya' });

      await updateProfile(ctx, caller, ana, { name: { given: 'Ana', family: 'Anaya-Reis' } });
      await addIdentity(ctx, caller, ana, { type: 'member', value: 'M-77' });
      await caughtUp(ana);
      const updated = await fast({ type: 'member', value: 'M-77' });
      expect(updated).toEqual(await slow({ type: 'member', value: 'M-77' }));
      expect(updated?.version).toBe(2);
      expect(updated?.state.base?.name).toEqual({ given: 'Ana', family: 'Anaya-Reis' });
      // loading the guest by id is answered by the read model too, with what the event store folds
      expect(await guestFromReadModel(backend.readModel, LOOKUP_TENANT, ana)).toEqual(updated);
      expect(await loadGuest(ctx, caller, ana)).toEqual(await loadGuest({ ...ctx, lookupReadModel: undefined }, caller, ana));
      expect(await guestFromReadModel(backend.readModel, 'another-tenant', ana)).toBeUndefined();

      await removeIdentity(ctx, caller, ana, email('ana@example.com'));
      await caughtUp(ana);
      expect(await fast(email('ana@example.com'))).toBeUndefined();
      expect(await lookupGuest(ctx, caller, email('ana@example.com'))).toBeUndefined();
      expect(await lookupGuest(ctx, caller, email('nobody@example.com'))).toBeUndefined();
    });

    it('never answers from a document that trails its stream: the event store does', async () => {
      const rui = await register('Rui', 'Andrade', [email('rui@example.com')]);
      await caughtUp(rui);
      await runner.stop();
      await updateProfile(ctx, caller, rui, { language: 'pt-PT' });
      // the document is at version 0, the stream at 1
      expect(await backend.readModel.byClaim(LOOKUP_TENANT, identityStream(ctx, LOOKUP_TENANT, email('rui@example.com')))).toMatchObject({ streamVersion: 0, head: 1 });
      expect(await fast(email('rui@example.com'))).toBeUndefined();
      expect(await guestFromReadModel(backend.readModel, LOOKUP_TENANT, rui)).toBeUndefined();
      expect((await loadGuest(ctx, caller, rui)).version).toBe(1);
      const answered = await lookupGuest(ctx, caller, email('rui@example.com'));
      expect(answered).toMatchObject({ version: 1, state: { guestId: rui, base: { language: 'pt-PT' } } });

      // a guest registered while the projection is away is found through the event store
      const eva = await register('Eva', 'Lima', [email('eva@example.com')]);
      expect(await fast(email('eva@example.com'))).toBeUndefined();
      expect((await lookupGuest(ctx, caller, email('eva@example.com')))?.state.guestId).toBe(eva);

      // and once it runs again, both are answered by the read model
      await runner.start();
      await caughtUp(rui, eva);
      expect((await fast(email('rui@example.com')))?.version).toBe(1);
      expect((await fast(email('eva@example.com')))?.state.guestId).toBe(eva);
    });

    it('follows merges to the survivor and restores both exactly on unmerge', async () => {
      const survivor = await register('Ana', 'Silva', [email('ana.silva@example.com')]);
      const merged = await register('Ana', 'S.', [phone('+351 912 000 002')]);
      const { mergeId } = await mergeGuests(ctx, caller, survivor, merged);
      await caughtUp(survivor, merged);
      const viaMerged = await fast(phone('+351912000002'));
      expect(viaMerged?.state.guestId).toBe(survivor);
      expect(viaMerged).toEqual(await slow(phone('+351912000002')));

      await unmergeGuests(ctx, caller, survivor, mergeId);
      await caughtUp(survivor, merged);
      const restored = await fast(phone('+351912000002'));
      expect(restored?.state.guestId).toBe(merged);
      expect(restored).toEqual(await slow(phone('+351912000002')));
      expect(await fast(email('ana.silva@example.com'))).toEqual(await slow(email('ana.silva@example.com')));
    });

    it('forgets an erased guest, and the survivors holding values it gave them, everywhere', async () => {
      const survivor = await register('Bo', 'Berg', [email('bo@example.com')]);
      const erased = await register('Zoë', 'Quintanilha', [email('zoe.quintanilha@example.org'), phone('+351 919 876 543')]);
      // the merged guest's name wins (most recent): the survivor's state holds it
      await mergeGuests(ctx, caller, survivor, erased);
      await caughtUp(survivor, erased);
      expect((await fast(email('bo@example.com')))?.state.overlays.length).toBe(1);
      if (backend.textSearch) expect(await backend.textSearch('Quintanilha')).not.toEqual([]);

      await eraseGuest(ctx, caller, erased, 'guest request');
      // the hook purged at once: the survivor is answered by the event store, where the name reads null
      expect(await fast(email('bo@example.com'))).toBeUndefined();
      const survivorNow = await lookupGuest(ctx, caller, email('bo@example.com'));
      expect(survivorNow?.state.guestId).toBe(survivor);
      expect(JSON.stringify(survivorNow)).not.toMatch(/Quintanilha|Zo/);
      expect(await lookupGuest(ctx, caller, email('zoe.quintanilha@example.org'))).toBeUndefined();

      await caughtUp(survivor, erased);
      expect(await fast(email('zoe.quintanilha@example.org'))).toBeUndefined();
      if (backend.textSearch) {
        for (const value of ['Zoë', 'Quintanilha', 'zoe.quintanilha@example.org', '+351919876543']) {
          expect({ value, hits: await backend.textSearch(value) }).toEqual({ value, hits: [] });
        }
      }
      // the survivor's next change brings its document back, folded from events that read null for the erased guest
      await updateProfile(ctx, caller, survivor, { language: 'sv' });
      await caughtUp(survivor);
      const back = await fast(email('bo@example.com'));
      expect(back).toEqual(await slow(email('bo@example.com')));
      expect(back?.state.base?.language).toBe('sv');
      expect(JSON.stringify(back)).not.toMatch(/Quintanilha|Zo/);
    });
  });
}
