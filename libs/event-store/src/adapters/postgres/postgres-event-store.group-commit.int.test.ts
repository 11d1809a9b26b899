/**
 * Group commit: concurrent appends share one statement and one commit. Each append must still get
 * exactly its own outcome, and races with other processes must resolve as if appends were alone.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { testEvent, uniqueCategory } from '../../conformance/fixtures';
import { DuplicateEventIdError, WrongExpectedVersionError } from '../../errors';
import { PostgresEventStore } from './postgres-event-store';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('PostgresEventStore group commit', () => {
  let schema: string;
  let store: PostgresEventStore;
  let other: PostgresEventStore;
  let cat: string;

  beforeEach(async () => {
    schema = `es_grp_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    store = await PostgresEventStore.connect({ connectionString: DATABASE_URL, schema });
    other = await PostgresEventStore.connect({ connectionString: DATABASE_URL, schema }); // another process
    cat = uniqueCategory();
  });
  afterEach(async () => {
    await store.close();
    await other.close();
    const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('gives each append of a group its own outcome', async () => {
    for (let i = 0; i < 40; i++) await store.appendToStream(`${cat}-${i}`, [testEvent('Seed', { i })]);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        // even streams: right expectation; odd: stale one
        store.appendToStream(`${cat}-${i}`, [testEvent('Next', { i }), testEvent('Next', { i })], { expectedVersion: i % 2 === 0 ? 0 : 5 }),
      ),
    );
    outcomes.forEach((outcome, i) => {
      if (i % 2 === 0) expect(outcome).toMatchObject({ status: 'fulfilled', value: { streamVersion: 2, duplicate: false } });
      else {
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
        expect((outcome as PromiseRejectedResult).reason).toMatchObject({ actualVersion: 0 });
      }
    });
    for (let i = 0; i < 40; i++) expect(await store.streamVersion(`${cat}-${i}`)).toBe(i % 2 === 0 ? 2 : 0);
    const positions = (await store.readAll({ categories: [cat], limit: 1000 })).map((e) => e.globalPosition);
    expect(new Set(positions).size).toBe(80); // 40 seeds + 20 successful appends of 2
  });

  it('serialises appends to one stream within the process, so none fails spuriously', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => store.appendToStream(`${cat}-one`, [testEvent('N', { i })])));
    expect(results.map((r) => r.streamVersion).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('resolves races with another process on the same streams: one success per version, no gaps', async () => {
    const streams = [0, 1, 2].map((i) => `${cat}-race${i}`);
    const wins: string[] = [];
    await Promise.all(
      [store, other].flatMap((s, w) =>
        Array.from({ length: 6 }, async (_, k) => {
          for (let n = 0; n < 5; n++) {
            for (;;) {
              const stream = streams[(k + n) % 3]!;
              const current = await s.streamVersion(stream);
              try {
                const r = await s.appendToStream(stream, [testEvent('R', { w, k, n })], { expectedVersion: current ?? 'no_stream' });
                wins.push(`${stream}@${r.streamVersion}`);
                break;
              } catch (error) {
                if (!(error instanceof WrongExpectedVersionError)) throw error;
              }
            }
          }
        }),
      ),
    );
    expect(wins).toHaveLength(60);
    expect(new Set(wins).size).toBe(60);
    for (const stream of streams) {
      const versions = (await store.readStream(stream)).map((e) => e.streamVersion);
      expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i));
    }
  });

  it("absorbs another process's concurrent retry of the same batch", async () => {
    const batch = [testEvent('A', {}), testEvent('B', {})];
    const results = await Promise.all([store, other, store, other].map((s) => s.appendToStream(`${cat}-idem`, batch)));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await store.readStream(`${cat}-idem`)).toHaveLength(2);
  });

  it('rejects only the append that reuses an event id of another stream in the same group', async () => {
    const shared = testEvent('Shared', {});
    const bystanders = Array.from({ length: 10 }, (_, i) => store.appendToStream(`${cat}-b${i}`, [testEvent('B', { i })]));
    const [first, second] = await Promise.allSettled([
      store.appendToStream(`${cat}-x`, [shared]),
      store.appendToStream(`${cat}-y`, [shared]),
    ]);
    const settled = await Promise.allSettled(bystanders);
    expect(settled.every((s) => s.status === 'fulfilled')).toBe(true);
    const outcomes = [first, second].map((o) => o!.status);
    expect(outcomes.sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = [first, second].find((o) => o!.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(DuplicateEventIdError);
  });

  it('finishes queued appends before close() returns', async () => {
    const appends = Array.from({ length: 50 }, (_, i) => store.appendToStream(`${cat}-c${i % 5}`, [testEvent('C', { i })]));
    await store.close();
    const settled = await Promise.allSettled(appends);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(50);
    expect((await other.readAll({ categories: [cat], limit: 100 })).length).toBe(50);
  });
});
