/**
 * Crypto-shredding on PostgreSQL (issue #4's test): personal values are never stored in clear, and after
 * erasure no personal value can be found by a text search over the service's tables, while the stream
 * still replays its non-personal facts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { PostgresEventStore } from '../adapters/postgres/postgres-event-store';
import { testMetadata } from '../conformance/fixtures';
import { CryptoShreddingEventStore } from './crypto-shredding-event-store';
import { PostgresSubjectKeyStore } from './postgres-subject-key-store';
import { MasterKey } from './subject-keys';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('crypto-shredding on PostgreSQL', () => {
  let pool: pg.Pool;
  let schema: string;
  let events: PostgresEventStore;
  let store: CryptoShreddingEventStore;
  let keys: PostgresSubjectKeyStore;
  const masterKey = MasterKey.from('test', randomBytes(32).toString('base64'));

  beforeEach(async () => {
    schema = `es_pii_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
    events = await PostgresEventStore.connect({ pool, schema });
    keys = await PostgresSubjectKeyStore.connect({ pool, schema, masterKey });
    store = new CryptoShreddingEventStore(events, {
      keys,
      personalData: { GuestRegistered: { fields: ['name', 'email', 'phone'] }, EmailChanged: { fields: ['email'] } },
    });
  });
  afterEach(async () => {
    await events.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  /** Every row of every table in the schema whose text form contains `needle`. */
  async function textSearch(needle: string): Promise<string[]> {
    const { rows: tables } = await pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1`,
      [schema],
    );
    const hits: string[] = [];
    for (const { table_name } of tables) {
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${schema}"."${table_name}" t WHERE t::text ILIKE $1`, [`%${needle}%`]);
      if (rows[0].n > 0) hits.push(`${table_name}: ${rows[0].n}`);
    }
    return hits;
  }

  it('never stores personal values in clear; after erasure they are unrecoverable and the stream replays', async () => {
    const guestId = randomUUID();
    const other = randomUUID();
    const meta = (g: string) => testMetadata({ guestId: g });
    await store.appendToStream(`guest-${guestId}`, [
      { type: 'GuestRegistered', data: { name: 'Zoë Quintanilha', email: 'zoe.q@example.com', phone: '+351919876543', lifecycleStage: 'prospect' }, metadata: meta(guestId) },
      { type: 'EmailChanged', data: { email: 'zoe.quintanilha@example.org' }, metadata: meta(guestId) },
      { type: 'StayRecorded', data: { nights: 2, roomRevenue: { amount: 240, currency: 'EUR' }, brandId: 'brand-x' }, metadata: meta(guestId) },
    ]);
    await store.appendToStream(`guest-${other}`, [
      { type: 'GuestRegistered', data: { name: 'Rui Other', email: 'rui@example.com', phone: '+351911111111' }, metadata: meta(other) },
    ]);
    await events.snapshotStore().save({ stream: `guest-${guestId}`, streamVersion: 2, schemaVersion: 's1', state: { nights: 2 }, takenAt: new Date().toISOString() });

    const personal = ['Zoë', 'Quintanilha', 'zoe.q@example.com', 'zoe.quintanilha@example.org', '+351919876543', '919876543'];
    for (const value of personal) expect(await textSearch(value)).toEqual([]);
    expect((await store.readStream(`guest-${guestId}`))[0]!.data).toMatchObject({ name: 'Zoë Quintanilha', email: 'zoe.q@example.com' });

    await store.erase(guestId);
    await store.appendToStream(`guest-${guestId}`, [{ type: 'GuestErased', data: { erasedAt: '2026-11-23T12:00:00Z' }, metadata: meta(guestId) }]);

    // a fresh reader (no key cache) cannot recover anything
    const fresh = new CryptoShreddingEventStore(events, { keys, personalData: {} });
    const replay = await fresh.readStream(`guest-${guestId}`);
    expect(replay.map((e) => e.type)).toEqual(['GuestRegistered', 'EmailChanged', 'StayRecorded', 'GuestErased']);
    expect(replay[0]!.data).toEqual({ name: null, email: null, phone: null, lifecycleStage: 'prospect' });
    expect(replay[1]!.data).toEqual({ email: null });
    expect(replay[2]!.data).toEqual({ nights: 2, roomRevenue: { amount: 240, currency: 'EUR' }, brandId: 'brand-x' });
    for (const value of personal) expect(await textSearch(value)).toEqual([]);
    const { rows } = await pool.query(`SELECT wrapped_key, destroyed_at FROM "${schema}".subject_keys WHERE subject_id = $1`, [guestId]);
    expect(rows[0].wrapped_key).toBeNull();
    expect(rows[0].destroyed_at).not.toBeNull();
    // the other guest is untouched
    expect((await fresh.readStream(`guest-${other}`))[0]!.data).toMatchObject({ name: 'Rui Other' });
  });

  it('announces destroyed keys: another process stops decrypting and writing for the subject at once, not after its cache TTL', async () => {
    // a second process: its own pool, key store and cache (keys kept for an hour while announcements arrive)
    const otherPool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
    const otherKeys = await PostgresSubjectKeyStore.connect({ pool: otherPool, schema, masterKey });
    const otherEvents = await PostgresEventStore.connect({ pool: otherPool, schema });
    const other = new CryptoShreddingEventStore(otherEvents, { keys: otherKeys, personalData: { GuestRegistered: { fields: ['name', 'email', 'phone'] } } });
    try {
      await store.appendToStream('guest-g9', [{ type: 'GuestRegistered', data: { name: 'Ana Lopes', email: 'ana@example.com', phone: '+351912345678' }, metadata: testMetadata({ guestId: 'g9' }) }]);
      expect(((await other.readStream('guest-g9'))[0]!.data as { name: string }).name).toBe('Ana Lopes'); // cached there now
      await store.erase('g9');
      const deadline = Date.now() + 10_000;
      for (;;) {
        const [event] = await other.readStream('guest-g9');
        if (event!.metadata.personalDataErased) break;
        if (Date.now() > deadline) throw new Error('the other process still decrypts the erased subject');
        await new Promise((r) => setTimeout(r, 20));
      }
      await expect(other.appendToStream('guest-g9', [{ type: 'GuestRegistered', data: { name: 'x', email: 'x@example.com', phone: '1' }, metadata: testMetadata({ guestId: 'g9' }) }])).rejects.toMatchObject({
        code: 'SUBJECT_ERASED',
      });
    } finally {
      otherKeys.close();
      await otherEvents.close();
      await otherPool.end();
    }
  });

  it('gives concurrent first writers of one subject the same key', async () => {
    const guestId = randomUUID();
    const keysSeen = await Promise.all(Array.from({ length: 8 }, () => keys.getOrCreateKey(guestId, 'tenant-test')));
    expect(new Set(keysSeen.map((k) => k.toString('hex'))).size).toBe(1);
  });
});
