import type { GuestSummary } from '@hearth/contracts';
import { CryptoShreddingEventStore, MemoryEventStore, MemorySubjectKeyStore } from '@hearth/event-store';
import { TIMELINE_PERSONAL_DATA, type TimelineEntry } from '../domain/timeline.types';
import { sameSnapshot, snapshotOf } from './ingest-use-cases';
import { derivedEventId, touchpointEntryId, uuidV5 } from './ids';
import { appendToTimeline, timelineStream } from './timeline-store';

describe('deterministic ids', () => {
  it('computes RFC 9562 version 5 UUIDs', () => {
    // the RFC's example: www.example.com in the DNS namespace
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('gives a touchpoint key the same entry id per tenant, and separates source ids from Idempotency-Keys', () => {
    const a = touchpointEntryId('t1', { sourceEventId: 'k-1' });
    expect(touchpointEntryId('t1', { sourceEventId: 'k-1' })).toBe(a);
    expect(touchpointEntryId('t2', { sourceEventId: 'k-1' })).not.toBe(a);
    expect(touchpointEntryId('t1', { idempotencyKey: 'k-1' })).not.toBe(a);
    expect(derivedEventId('e-1', 'GuestLinked:g-1')).not.toBe(derivedEventId('e-1', 'GuestLinked:g-2'));
  });
});

describe('profile snapshots', () => {
  const guest: GuestSummary = {
    guestId: 'g1',
    status: 'active',
    survivorId: null,
    provisional: false,
    name: { given: 'Ana', family: 'Lopes' },
    dateOfBirth: null,
    language: 'pt',
    customerType: 'individual',
    lifecycleStage: 'repeat',
    identifiers: [{ type: 'email', masked: 'a***@example.com' }],
    preferences: [{ key: 'pillow', kind: 'preference', scope: 'shared', brandId: null, value: 'firm', setAt: '2026-01-01T00:00:00Z' }],
    consents: [],
    version: 3,
  };

  it('compares profiles whenever they were taken', () => {
    const first = snapshotOf(guest, '2026-01-01T00:00:00Z');
    expect(first.name).toEqual({ title: null, given: 'Ana', family: 'Lopes' });
    expect(sameSnapshot(first, snapshotOf(guest, '2026-02-01T00:00:00Z'))).toBe(true);
    expect(sameSnapshot(first, snapshotOf({ ...guest, language: 'en' }, '2026-02-01T00:00:00Z'))).toBe(false);
    expect(sameSnapshot(null, first)).toBe(false);
  });
});

describe('appendToTimeline', () => {
  const entry = (entryId: string, personal: TimelineEntry['personal']): TimelineEntry => ({
    entryId,
    guestId: 'g1',
    kind: 'touchpoint',
    type: 'note',
    source: 'touchpoints-api',
    brandId: 'hotels',
    propertyId: null,
    channel: 'web',
    occurredAt: '2026-01-01T00:00:00Z',
    recordedAt: '2026-01-01T00:00:01Z',
    actor: 'user:u1',
    visibility: 'shared',
    amount: null,
    facts: { n: 1 },
    personal,
  });
  const context = { tenantId: 't1', actor: 'user:u1', correlationId: 'c', causationId: 'r', occurredAt: '2026-01-01T00:00:00Z' };

  it('stores personal data encrypted, facts without a key, and drops personal data of an erased guest', async () => {
    const raw = new MemoryEventStore();
    const keys = new MemorySubjectKeyStore();
    const store = new CryptoShreddingEventStore(raw, { keys, personalData: TIMELINE_PERSONAL_DATA });
    const stores = { store, rawStore: raw };

    await appendToTimeline(stores, 'g1', [{ eventId: 'e1', type: 'EntryRecorded', data: { entry: entry('e1', null) } }], context);
    expect(await keys.getKey('g1')).toBeUndefined(); // no personal data: no key needed

    await appendToTimeline(stores, 'g1', [{ eventId: 'e2', type: 'EntryRecorded', data: { entry: entry('e2', { text: 'secret' }) } }], context);
    expect(JSON.stringify(await raw.readStream(timelineStream('g1')))).not.toContain('secret');
    expect((await store.readStream(timelineStream('g1')))[1]!.data).toMatchObject({ entry: { personal: { text: 'secret' } } });

    await store.erase('g1');
    const late = await appendToTimeline(stores, 'g1', [{ eventId: 'e3', type: 'EntryRecorded', data: { entry: entry('e3', { text: 'after erasure' }) } }], context);
    expect(late).toMatchObject({ personalDataDropped: true, duplicate: false, streamVersion: 2 });
    const events = await store.readStream(timelineStream('g1'));
    expect(events.map((e) => (e.data as { entry: TimelineEntry }).entry.personal)).toEqual([null, null, null]);
    expect((events[2]!.data as { entry: TimelineEntry }).entry.facts).toEqual({ n: 1 });
    // a repeat is a no-op
    expect(await appendToTimeline(stores, 'g1', [{ eventId: 'e1', type: 'EntryRecorded', data: { entry: entry('e1', null) } }], context)).toMatchObject({ duplicate: true });
  });
});
