/**
 * PostgreSQL-specific guarantees: the global order never skips an event committed late by a slower,
 * older transaction (the classic gap problem), wake-ups cross processes through LISTEN/NOTIFY,
 * and migrations are idempotent under concurrency.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { testEvent, uniqueCategory } from '../../conformance/fixtures';
import type { StoredEvent } from '../../types';
import { pendingTailSql, PostgresEventStore } from './postgres-event-store';
import { appendSql } from './postgres-schema';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('PostgresEventStore under concurrent writers', () => {
  let schema: string;
  let admin: pg.Pool;
  let store: PostgresEventStore;

  beforeEach(async () => {
    schema = `es_gap_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    admin = new pg.Pool({ connectionString: DATABASE_URL, max: 8 });
    store = await PostgresEventStore.connect({ connectionString: DATABASE_URL, schema });
  });
  afterEach(async () => {
    await store.close();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  /** Appends inside an explicit transaction that stays open for `holdMs` after writing (a slow appender). */
  async function slowAppend(stream: string, ids: string[], holdMs: number, onWritten: () => void, rollback = false): Promise<void> {
    const client = await admin.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query(
        appendSql(schema),
        [[stream], [stream.split('-')[0]], ['any'], [null], ids.map(() => 1), ids, ids.map(() => 'Slow'), ids.map((_, i) => JSON.stringify({ i })), ids.map(() => JSON.stringify(testEvent('x', {}).metadata))],
      );
      expect(rows[0].inserted).toBe(ids.length);
      onWritten();
      await new Promise((resolve) => setTimeout(resolve, holdMs));
      await client.query(rollback ? 'ROLLBACK' : 'COMMIT');
    } finally {
      client.release();
    }
  }

  it('a live subscriber sees every event exactly once, in order, while many writers and slow transactions commit out of order', async () => {
    const cat = uniqueCategory();
    const abort = new AbortController();
    const seen: StoredEvent[] = [];
    const expectedIds = new Set<string>();
    const rolledBackIds = new Set<string>();
    let hazardObserved = false;

    const subscriber = (async () => {
      for await (const e of store.subscribeToAll({ categories: [cat], signal: abort.signal, limit: 50 })) seen.push(e);
    })();

    const fastWriters = Array.from({ length: 12 }, async (_, w) => {
      for (let k = 0; k < 40; k++) {
        const batch = Array.from({ length: 1 + (k % 3) }, (_, i) => testEvent('Fast', { w, k, i }));
        await store.appendToStream(`${cat}-w${w}`, batch);
        for (const e of batch) expectedIds.add(e.eventId!);
      }
    });
    const slowWriters = Array.from({ length: 6 }, async (_, s) => {
      for (let k = 0; k < 4; k++) {
        const ids = [randomUUID(), randomUUID()];
        const rollback = k === 3 && s % 2 === 0;
        await slowAppend(`${cat}-slow${s}`, ids, 60 + s * 10, () => undefined, rollback);
        for (const id of ids) (rollback ? rolledBackIds : expectedIds).add(id);
      }
    });
    // While one slow transaction is open, faster ones commit higher positions: a naive
    // "position > checkpoint" reader would move past the slow one's events and never see them.
    const probe = (async () => {
      const ids = [randomUUID()];
      let written!: () => void;
      const writtenPromise = new Promise<void>((resolve) => (written = resolve));
      const slow = slowAppend(`${cat}-probe`, ids, 300, written);
      await writtenPromise;
      const after = testEvent('After', {});
      await store.appendToStream(`${cat}-after`, [after]);
      expectedIds.add(after.eventId!);
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM "${schema}".events WHERE stream_name = $1`, [`${cat}-probe`]);
      hazardObserved = rows[0].n === 0; // "after" is committed while the probe's event is not yet visible
      await slow;
      ids.forEach((id) => expectedIds.add(id));
      const [probeEvent] = await store.readStream(`${cat}-probe`);
      const [afterEvent] = await store.readStream(`${cat}-after`);
      // the slow transaction's event sorts before the one that committed first
      expect(probeEvent!.globalPosition).toBeLessThan(afterEvent!.globalPosition);
    })();

    await Promise.all([...fastWriters, ...slowWriters, probe]);
    const total = expectedIds.size;
    await waitFor(() => seen.length >= total, 15_000);
    abort.abort();
    await subscriber;

    expect(hazardObserved).toBe(true);
    expect(seen).toHaveLength(total);
    expect(new Set(seen.map((e) => e.eventId))).toEqual(expectedIds);
    for (const id of rolledBackIds) expect(seen.some((e) => e.eventId === id)).toBe(false);
    const positions = seen.map((e) => e.globalPosition);
    for (let i = 1; i < positions.length; i++) expect(positions[i]).toBeGreaterThan(positions[i - 1]!);
    // the history read afterwards is the same sequence
    const history: StoredEvent[] = [];
    for (let from = 0; ; ) {
      const page = await store.readAll({ fromPosition: from, categories: [cat], limit: 100 });
      if (page.length === 0) break;
      history.push(...page);
      from = page.at(-1)!.globalPosition;
    }
    expect(history.map((e) => e.eventId)).toEqual(seen.map((e) => e.eventId));
  }, 30_000);

  it('holds back events behind an open older transaction, then delivers them in order once it ends', async () => {
    const cat = uniqueCategory();
    const blocker = await admin.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT pg_current_xact_id()'); // an unrelated open writer transaction holds the xmin
      await store.appendToStream(`${cat}-a`, [testEvent('A', {})]);
      expect(await store.readAll({ categories: [cat] })).toEqual([]);
      const abort = new AbortController();
      const got = (async () => {
        for await (const e of store.subscribeToAll({ categories: [cat], signal: abort.signal })) {
          abort.abort();
          return e;
        }
        return undefined;
      })();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await blocker.query('COMMIT');
      const e = await got;
      expect(e?.type).toBe('A');
    } finally {
      blocker.release();
    }
  });

  it('wakes a subscriber in another process through NOTIFY', async () => {
    const cat = uniqueCategory();
    // idle re-reads far beyond the test's wait: only a notification can wake it in time
    const other = await PostgresEventStore.connect({ connectionString: DATABASE_URL, schema, idleRecheckMs: 60_000 });
    try {
      const abort = new AbortController();
      let caughtUp!: () => void;
      const ready = new Promise<void>((resolve) => (caughtUp = resolve));
      const got = (async () => {
        for await (const e of other.subscribeToAll({ categories: [cat], signal: abort.signal, onCaughtUp: caughtUp })) {
          abort.abort();
          return e;
        }
        return undefined;
      })();
      await ready;
      const started = Date.now();
      await store.appendToStream(`${cat}-x`, [testEvent('Woken', {})]);
      const e = await got;
      expect(e?.type).toBe('Woken');
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await other.close();
    }
  });

  it('runs its migrations idempotently, also from several instances at once', async () => {
    const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresEventStore.connect({ connectionString: DATABASE_URL, schema })));
    await Promise.all(stores.map((s) => s.migrate()));
    await Promise.all(stores.map((s) => s.close()));
    const { rows } = await admin.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [schema],
    );
    expect(rows.map((r) => r.table_name)).toEqual(['event_store_migrations', 'events', 'snapshots']);
    const cat = uniqueCategory();
    await store.appendToStream(`${cat}-1`, [testEvent('Still', {})]);
    expect(await store.streamVersion(`${cat}-1`)).toBe(0);
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('PostgresEventStore: the pending-tail check', () => {
  it('is one index probe however many events the store holds (it runs after every read that reaches the end)', async () => {
    const schema = `es_tail_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
    const store = await PostgresEventStore.connect({ connectionString: DATABASE_URL, schema });
    try {
      await admin.query(`INSERT INTO "${schema}".events (global_position, stream_name, category, stream_version, event_id, type, data, metadata)
        SELECT n, 'bulk-' || n, 'bulk', 0, 'id-' || n, 'Bulk', '{}', '{}' FROM generate_series(1, 5000) AS n`);
      await admin.query(`ANALYZE "${schema}".events`);
      const { rows } = await admin.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${pendingTailSql(schema)}`);
      const nodes: PlanNode[] = [];
      const walk = (node: PlanNode) => {
        nodes.push(node);
        for (const child of node.Plans ?? []) walk(child);
      };
      walk(rows[0]!['QUERY PLAN'][0]!.Plan);
      // with EXISTS (… >= bound) the planner chose a sequential scan: every event read, each time
      expect(nodes.filter((n) => n['Relation Name'] === 'events').map((n) => n['Node Type'])).toEqual(['Index Only Scan']);
      // all 5,000 are below the bound (committed, no transaction open): nothing pending
      expect((await admin.query<{ pending: boolean }>(pendingTailSql(schema))).rows[0]!.pending).toBe(false);
    } finally {
      await store.close();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  });
});

type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };
