/**
 * The guest search read model on PostgreSQL: the projection reads the decrypting event store, search
 * finds guests by name prefix (case/accent-insensitive), e-mail and phone with cursor pages, and
 * erasure leaves no personal value in any table of the service's schema.
 */
import { CryptoShreddingEventStore, MasterKey, PostgresEventStore, PostgresSubjectKeyStore } from '@hearth/event-store';
import { PostgresDocumentStore, type ProjectionRunner } from '@hearth/read-models';
import { dropSchema, eventually, schemaTextSearch, testDatabaseUrl, uniqueName } from '@hearth/testing';
import pg from 'pg';
import { eraseGuest, registerGuest } from '../../app/guest-use-cases';
import { createProfileContext, type Caller, type ProfileContext } from '../../app/profile-context';
import { GUEST_PERSONAL_DATA, type Profile } from '../../domain/guest.events';
import { normaliseIdentity } from '../../domain/identifiers';
import type { GuestSearch } from '../http/guest-search';
import { guestSearchDocuments, guestSearchKeys } from './guest-search.collections';
import { guestSearchErasureHook } from './guest-search.erasure';
import { createGuestSearchProjection } from './guest-search.projection';
import { createGuestSearch } from './guest-search.query';

const TENANT = 't1';
const caller: Caller = { tenantId: TENANT, actor: 'user:desk-1', correlationId: 'int-search' };
const profile = (given: string, family: string): Profile => ({ name: { given, family }, customerType: 'individual', lifecycleStage: 'prospect', attributes: {} });

describe('guest search on PostgreSQL', () => {
  let pool: pg.Pool;
  let schema: string;
  let events: PostgresEventStore;
  let readModels: PostgresDocumentStore;
  let runner: ProjectionRunner;
  let ctx: ProfileContext;
  let search: GuestSearch;

  beforeEach(async () => {
    schema = uniqueName('cp_search');
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
    events = await PostgresEventStore.connect({ pool, schema });
    const keys = await PostgresSubjectKeyStore.connect({ pool, schema, masterKey: MasterKey.generate('int') });
    const store = new CryptoShreddingEventStore(events, { keys, personalData: GUEST_PERSONAL_DATA });
    readModels = await PostgresDocumentStore.connect({ pool, schema });
    ctx = createProfileContext({
      store,
      destroyGuestKey: (guestId) => store.erase(guestId),
      identityPepper: 'int-test-pepper',
      erasureHooks: [guestSearchErasureHook(readModels)],
    });
    runner = createGuestSearchProjection({ events: store, store: readModels });
    await runner.start();
    search = createGuestSearch(readModels, { defaultCountry: 'PT' });
  });

  afterEach(async () => {
    await runner.stop();
    await events.close();
    await readModels.close();
    await dropSchema(pool, schema);
    await pool.end();
  });

  /** Tables of the test's schema whose rows contain `needle` in their text form. */
  const textSearch = (needle: string) => schemaTextSearch(pool, schema, needle);

  const ids = async (q: string, limit = 10) => (await search.search(TENANT, { q, limit })).items;

  it('finds by name prefix, e-mail and phone, pages with a cursor, and forgets an erased guest everywhere', async () => {
    const register = async (given: string, family: string, identities: { type: string; value: string }[] = []) =>
      (await registerGuest(ctx, caller, { profile: profile(given, family), identities: identities.map((i) => normaliseIdentity(i)) })).state.guestId!;
    const zoe = await register('Zoë', 'Quintanilha', [
      { type: 'email', value: 'Zoe.Quintanilha@Example.org' },
      { type: 'phone', value: '+351 919 876 543' },
    ]);
    const ana = await register('Ana', 'Anaya', [{ type: 'email', value: 'ana@example.com' }]);
    const andre = await register('André', 'Silva');
    const rui = await register('Rui', 'Andrade');

    await eventually(async () => expect(await ids('zoe')).toEqual([zoe]), { timeoutMs: 15_000 });
    await eventually(async () => expect(await ids('an')).toEqual([ana, rui, andre]), { timeoutMs: 15_000 });
    expect(await ids('QUINTAN')).toEqual([zoe]);
    expect(await ids('zoë quin')).toEqual([zoe]);
    expect(await ids('zoe.quintanilha@example.org')).toEqual([zoe]);
    expect(await ids('919 876 543')).toEqual([zoe]);
    expect(await ids('+351919876543')).toEqual([zoe]);
    expect(await ids('andre')).toEqual([andre]);

    // pages of one: each guest once, in order, then no cursor
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await search.search(TENANT, { q: 'an', limit: 1, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([ana, rui, andre]);

    // the read model holds the folded name in clear before erasure: the text search below can fail
    expect(await textSearch('quintanilha zoe')).not.toEqual([]);

    await eraseGuest(ctx, caller, zoe, 'guest request');
    // the erasure hook purged the search documents at once
    expect(await ids('zoe')).toEqual([]);
    expect(await ids('zoe.quintanilha@example.org')).toEqual([]);
    expect(await ids('+351919876543')).toEqual([]);

    // once the projection has applied GuestErased too, nothing of the guest is left in any table
    const head = (await events.readAll({ fromPosition: 0, limit: 1000, categories: ['guest'] })).at(-1)!.globalPosition;
    await runner.waitForPosition(head);
    const docs = readModels.forTenant(TENANT);
    expect(await docs.get(guestSearchDocuments, zoe)).toBeUndefined();
    expect(await docs.count(guestSearchKeys, { guestId: zoe })).toBe(0);
    expect(await docs.count(guestSearchKeys, { ownerId: zoe })).toBe(0);
    for (const value of ['Zoë', 'Quintanilha', 'quintanilha zoe', 'zoe quintanilha', 'zoe.quintanilha@example.org', '+351919876543', '919876543']) {
      expect({ value, hits: await textSearch(value) }).toEqual({ value, hits: [] });
    }
    // the others are still found
    expect(await ids('an')).toEqual([ana, rui, andre]);
  }, 30_000);
});
