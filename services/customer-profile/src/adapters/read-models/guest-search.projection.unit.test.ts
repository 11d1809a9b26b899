import type { StoredEvent } from '@hearth/event-store';
import { createMemoryDocumentStore, type DocumentStore } from '@hearth/read-models';
import type { GuestEvent, PersonName, Profile } from '../../domain/guest.events';
import type { Identity } from '../../domain/identifiers';
import { guestSearchDocuments, guestSearchKeys } from './guest-search.collections';
import { guestSearchErasureHook } from './guest-search.erasure';
import { projectGuestSearch } from './guest-search.projection';
import { createGuestSearch } from './guest-search.query';

const TENANT = 't1';
const profile = (given: string, family: string): Profile => ({ name: { given, family }, customerType: 'individual', lifecycleStage: 'prospect', attributes: {} });
const email = (value: string) => ({ type: 'email' as const, value });
const phone = (value: string) => ({ type: 'phone' as const, value });

describe('guest-search projection', () => {
  let store: DocumentStore;
  let position: number;

  beforeEach(() => {
    store = createMemoryDocumentStore();
    position = 100;
  });

  function stored(guestId: string, event: GuestEvent, tenantId = TENANT): StoredEvent {
    position += 1 + (position % 3); // gaps, like real global positions
    return {
      eventId: `e${position}`,
      type: event.type,
      data: event.data,
      metadata: { tenantId, actor: 'user:desk', correlationId: 'c', causationId: 'c', occurredAt: '2026-11-01T10:00:00.000Z', schemaVersion: 1 },
      streamName: `guest-${guestId}`,
      streamVersion: 0,
      globalPosition: position,
      recordedAt: '2026-11-01T10:00:00.000Z',
    };
  }

  async function given(...events: [string, GuestEvent][]): Promise<StoredEvent[]> {
    const out = events.map(([guestId, event]) => stored(guestId, event));
    // one write-behind batch, as the runner applies them
    await store.transaction(async (session) => {
      for (const event of out) await projectGuestSearch(event, session);
    }, { writeBehind: true });
    return out;
  }

  const registered = (guestId: string, name: PersonName | null, identities: Identity[] = [email(`${guestId}@example.com`)]): [string, GuestEvent] => [
    guestId,
    { type: 'GuestRegistered', data: { guestId, profile: { ...profile('x', 'x'), ...(name ? { name } : { name: undefined }) }, identities, provisional: false } },
  ];
  const keysOf = async (tenantId = TENANT) =>
    (await store.forTenant(tenantId).find(guestSearchKeys, {}, { limit: 1000 })).items.map((k) => `${k.guestId} ${k.kind} ${k.key}${k.ownerId !== k.guestId ? ` (of ${k.ownerId})` : ''}`).sort();
  const search = (q: string, limit = 10, cursor?: string) => createGuestSearch(store, { defaultCountry: 'PT' }).search(TENANT, { q, limit, ...(cursor ? { cursor } : {}) });

  it('indexes a registered guest by folded name (both orders), e-mail and phone', async () => {
    await given(registered('g1', { given: 'Zoë', family: 'Ørsted-Lima' }, [email('zoe@example.com'), phone('+351912345678'), { type: 'member', value: 'M1' }]));
    const doc = await store.forTenant(TENANT).get(guestSearchDocuments, 'g1');
    expect(doc).toMatchObject({ id: 'g1', tenantId: TENANT, status: 'active', nameKey: 'orsted lima zoe', givenKey: 'zoe', emails: ['zoe@example.com'], phones: ['+351912345678'] });
    expect(doc!.version).toBeGreaterThan(100);
    expect(await keysOf()).toEqual(['g1 email zoe@example.com', 'g1 name orsted lima zoe', 'g1 name zoe orsted lima', 'g1 phone +351912345678']);
  });

  it('follows name changes and identities added and removed', async () => {
    await given(
      registered('g1', { given: 'Ana', family: 'Lopes' }),
      ['g1', { type: 'ProfileUpdated', data: { changes: { name: { given: 'Ana', family: 'Silva' } } } }],
      ['g1', { type: 'ProfileUpdated', data: { changes: { language: 'pt' } } }],
      ['g1', { type: 'IdentityAdded', data: { identity: phone('+351912345678') } }],
      ['g1', { type: 'IdentityRemoved', data: { identity: email('g1@example.com') } }],
      ['g1', { type: 'IdentityAdded', data: { identity: email('ana@example.org') } }],
    );
    expect(await keysOf()).toEqual(['g1 email ana@example.org', 'g1 name ana silva', 'g1 name silva ana', 'g1 phone +351912345678']);
  });

  it('ignores an event it has already applied (replay)', async () => {
    const [first] = await given(registered('g1', { given: 'Ana', family: 'Lopes' }));
    await given(['g1', { type: 'ProfileUpdated', data: { changes: { name: { given: 'Ana', family: 'Silva' } } } }]);
    await store.transaction((session) => projectGuestSearch(first!, session));
    expect(await keysOf()).toEqual(['g1 email g1@example.com', 'g1 name ana silva', 'g1 name silva ana']);
  });

  it('removes a merged guest from search, lets the survivor answer to the name it won, and restores both on unmerge', async () => {
    await given(registered('s', { given: 'Rui', family: 'Costa' }), registered('m', { given: 'Rui', family: 'Costa Neves' }));
    await given(
      ['m', { type: 'GuestMergedInto', data: { mergeId: 'mg1', survivorId: 's' } }],
      ['s', { type: 'GuestAbsorbed', data: { mergeId: 'mg1', mergedId: 'm', survivorship: [{ field: 'name', winner: 'merged', rule: 'most-recent', value: { given: 'Rui', family: 'Costa Neves' }, source: { guestId: 'm', at: 'x', actor: 'a' } }] } }],
    );
    expect(await keysOf()).toEqual(['s email s@example.com', 's merge m (of m)', 's name costa neves rui (of m)', 's name rui costa neves (of m)']);
    expect(await store.forTenant(TENANT).get(guestSearchDocuments, 'm')).toMatchObject({ status: 'merged', survivorId: 's', emails: ['m@example.com'] });
    expect((await search('m@example.com')).items).toEqual([]);

    await given(
      ['s', { type: 'GuestUnabsorbed', data: { mergeId: 'mg1', mergedId: 'm' } }],
      ['m', { type: 'GuestRestored', data: { mergeId: 'mg1', survivorId: 's' } }],
    );
    expect(await keysOf()).toEqual(['m email m@example.com', 'm name costa neves rui', 'm name rui costa neves', 's email s@example.com', 's name costa rui', 's name rui costa']);
    expect((await search('m@example.com')).items).toEqual(['m']);
  });

  it('an explicit name change drops names won in merges (as the decider does)', async () => {
    await given(
      registered('s', { given: 'Rui', family: 'Costa' }),
      ['s', { type: 'GuestAbsorbed', data: { mergeId: 'mg1', mergedId: 'm', survivorship: [{ field: 'name', winner: 'merged', rule: 'most-recent', value: { given: 'Rui', family: 'Neves' }, source: { guestId: 'm', at: 'x', actor: 'a' } }] } }],
      ['s', { type: 'ProfileUpdated', data: { changes: { name: { given: 'Rui', family: 'Almeida' } } } }],
    );
    expect(await keysOf()).toEqual(['s email s@example.com', 's name almeida rui', 's name rui almeida']);
  });

  it('deletes every document of an erased guest, and the name it gave a survivor', async () => {
    await given(
      registered('s', { given: 'Rui', family: 'Costa' }),
      registered('m', { given: 'Rui', family: 'Neves' }, [email('m@example.com'), phone('+351912345678')]),
      registered('other', { given: 'Eva', family: 'Neves' }),
      ['m', { type: 'GuestMergedInto', data: { mergeId: 'mg1', survivorId: 's' } }],
      ['s', { type: 'GuestAbsorbed', data: { mergeId: 'mg1', mergedId: 'm', survivorship: [{ field: 'name', winner: 'merged', rule: 'most-recent', value: { given: 'Rui', family: 'Neves' }, source: { guestId: 'm', at: 'x', actor: 'a' } }] } }],
    );
    await given(['m', { type: 'GuestErased', data: { reason: 'guest request' } }]);
    const docs = store.forTenant(TENANT);
    expect(await docs.get(guestSearchDocuments, 'm')).toBeUndefined();
    expect(await docs.count(guestSearchKeys, { ownerId: 'm' })).toBe(0);
    expect(JSON.stringify(await docs.get(guestSearchDocuments, 's'))).not.toMatch(/neves/);
    expect(await keysOf()).toEqual(['other email other@example.com', 'other name eva neves', 'other name neves eva', 's email s@example.com', 's name costa rui', 's name rui costa']);

    // a replay from zero reads the erased guest's personal fields as null
    const erasedReplay = createMemoryDocumentStore();
    const nulls: GuestEvent = { type: 'GuestRegistered', data: { guestId: 'm', profile: { ...profile('x', 'x'), name: null as unknown as PersonName }, identities: [email(null as unknown as string)], provisional: false } };
    await erasedReplay.transaction(async (session) => {
      await projectGuestSearch(stored('m', nulls), session);
      expect(await session.forTenant(TENANT).count(guestSearchKeys, {})).toBe(0);
      await projectGuestSearch(stored('m', { type: 'GuestErased', data: { reason: 'r' } }), session);
      expect(await session.forTenant(TENANT).get(guestSearchDocuments, 'm')).toBeUndefined();
    });
  });

  it('the erasure hook purges at once, and the projection reaching GuestErased finishes the job', async () => {
    await given(
      registered('s', { given: 'Rui', family: 'Costa' }),
      registered('m', { given: 'Rui', family: 'Neves' }),
      ['m', { type: 'GuestMergedInto', data: { mergeId: 'mg1', survivorId: 's' } }],
      ['s', { type: 'GuestAbsorbed', data: { mergeId: 'mg1', mergedId: 'm', survivorship: [{ field: 'name', winner: 'merged', rule: 'most-recent', value: { given: 'Rui', family: 'Neves' }, source: { guestId: 'm', at: 'x', actor: 'a' } }] } }],
    );
    await guestSearchErasureHook(store)(TENANT, 'm');
    expect(await store.forTenant(TENANT).get(guestSearchDocuments, 'm')).toBeUndefined();
    expect(await keysOf()).toEqual(['s email s@example.com', 's merge m (of m)']); // the link (two ids, nothing personal) lets the projection find the survivor
    expect((await search('neves')).items).toEqual([]);

    await given(['m', { type: 'GuestErased', data: { reason: 'guest request' } }]);
    expect(await keysOf()).toEqual(['s email s@example.com', 's name costa rui', 's name rui costa']);
    expect(JSON.stringify(await store.forTenant(TENANT).get(guestSearchDocuments, 's'))).not.toMatch(/neves/);
  });

  it('keeps tenants apart', async () => {
    await given(registered('g1', { given: 'Ana', family: 'Lopes' }));
    await store.transaction((session) => projectGuestSearch(stored('g2', registered('g2', { given: 'Ana', family: 'Lopes' })[1], 't2'), session));
    expect((await search('ana')).items).toEqual(['g1']);
  });
});

describe('guest search over the read model', () => {
  let store: DocumentStore;
  let position = 0;
  const search = (q: string, limit = 10, cursor?: string) => createGuestSearch(store, { defaultCountry: 'PT' }).search(TENANT, { q, limit, ...(cursor ? { cursor } : {}) });

  beforeEach(async () => {
    store = createMemoryDocumentStore();
    const guests: [string, string, string, string[]][] = [
      ['g-zoe', 'Zoë', 'Quintanilha', ['zoe@example.com', '+351912345678']],
      ['g-ana', 'Ana', 'Anaya', ['ana@example.com']],
      ['g-andre', 'André', 'Silva', []],
      ['g-rui', 'Rui', 'Andrade', []],
      ['g-eva', 'Eva', 'Zimmer', []],
    ];
    await store.transaction(async (session) => {
      for (const [guestId, given, family, ids] of guests) {
        position += 1;
        const identities = ids.map((v) => (v.startsWith('+') ? phone(v) : email(v)));
        await projectGuestSearch(
          {
            eventId: `e${position}`, type: 'GuestRegistered', streamName: `guest-${guestId}`, streamVersion: 0, globalPosition: position, recordedAt: 'x',
            data: { guestId, profile: profile(given, family), identities, provisional: false },
            metadata: { tenantId: TENANT, actor: 'a', correlationId: 'c', causationId: 'c', occurredAt: 'x', schemaVersion: 1 },
          },
          session,
        );
      }
    });
  });

  it('finds by name prefix of either part, case- and accent-insensitively, each guest once', async () => {
    expect((await search('ZOE')).items).toEqual(['g-zoe']);
    expect((await search('quintan')).items).toEqual(['g-zoe']);
    expect((await search('zoë quint')).items).toEqual(['g-zoe']);
    // Ana Anaya matches by family and given name: once. Order: by key (family-first keys before given-first ones of the same text)
    expect((await search('an')).items).toEqual(['g-ana', 'g-rui', 'g-andre']);
    expect((await search('andré')).items).toEqual(['g-andre']);
    expect((await search('andra')).items).toEqual(['g-rui']);
    expect((await search('nobody')).items).toEqual([]);
  });

  it('finds by exact e-mail and by phone in any common notation', async () => {
    expect((await search(' Zoe@Example.com ')).items).toEqual(['g-zoe']);
    expect((await search('zoe@example')).items).toEqual([]);
    expect((await search('+351 912 345 678')).items).toEqual(['g-zoe']);
    expect((await search('912 345 678')).items).toEqual(['g-zoe']); // read in the default country
    expect((await search('12345')).items).toEqual([]); // not a valid number
  });

  it('pages with cursors, without repeating or skipping a guest', async () => {
    const first = await search('a', 1);
    expect(first.items).toEqual(['g-ana']);
    const second = await search('a', 1, first.nextCursor);
    expect(second.items).toEqual(['g-rui']);
    const third = await search('a', 1, second.nextCursor);
    expect(third.items).toEqual(['g-andre']);
    expect(third.nextCursor === undefined || (await search('a', 1, third.nextCursor)).items.length === 0).toBe(true);
    await expect(search('z', 1, first.nextCursor)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'query.cursor' });
  });
});
