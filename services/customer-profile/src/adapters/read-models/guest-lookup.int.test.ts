/**
 * The lookup read model on PostgreSQL (the reader of the service: one query joining the claim, the
 * guest document and the stream head), with a text search over every table of the schema for erasure.
 */
import { CryptoShreddingEventStore, MasterKey, PostgresEventStore, PostgresSubjectKeyStore } from '@hearth/event-store';
import { PostgresDocumentStore } from '@hearth/read-models';
import { dropSchema, schemaTextSearch, testDatabaseUrl, uniqueName } from '@hearth/testing';
import pg from 'pg';
import { GUEST_PERSONAL_DATA } from '../../domain/guest.events';
import { GUEST_LOOKUP_COLLECTIONS } from './guest-lookup.collections';
import { guestLookupSql, postgresGuestLookup } from './guest-lookup.readers';
import { describeGuestLookupConformance } from './guest-lookup.test-helper';

describeGuestLookupConformance('PostgreSQL', async () => {
  const schema = uniqueName('cp_lookup');
  const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
  const events = await PostgresEventStore.connect({ pool, schema });
  const keys = await PostgresSubjectKeyStore.connect({ pool, schema, masterKey: MasterKey.generate('int') });
  const store = new CryptoShreddingEventStore(events, { keys, personalData: GUEST_PERSONAL_DATA });
  const readModels = await PostgresDocumentStore.connect({ pool, schema });
  const textSearch = (needle: string) => schemaTextSearch(pool, schema, needle);
  return {
    store,
    readModels,
    readModel: postgresGuestLookup(pool, { readModels: schema, events: schema }),
    textSearch,
    close: async () => {
      await events.close();
      await readModels.close();
      await dropSchema(pool, schema);
      await pool.end();
    },
  };
});

type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };
/** Every node of an EXPLAIN (FORMAT JSON) plan. */
function planNodes(explained: unknown): PlanNode[] {
  const out: PlanNode[] = [];
  const walk = (node: PlanNode) => {
    out.push(node);
    for (const child of node.Plans ?? []) walk(child);
  };
  for (const entry of explained as { Plan: PlanNode }[]) walk(entry.Plan);
  return out;
}

describe('guest lookup read model: the PostgreSQL statements', () => {
  it('reach every row by an index, the stream head included (no scan of the events table)', async () => {
    const schema = uniqueName('cp_lookup_plan');
    const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
    const events = await PostgresEventStore.connect({ pool, schema });
    const readModels = await PostgresDocumentStore.connect({ pool, schema });
    await readModels.ensureCollections(GUEST_LOOKUP_COLLECTIONS);
    const client = await pool.connect();
    try {
      // with sequential scans priced out, a plan still holding one has no index it can use
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      const { byClaimSql, byGuestSql } = guestLookupSql({ readModels: schema, events: schema });
      for (const sql of [byClaimSql, byGuestSql]) {
        const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, ['t1', 'x']);
        const nodes = planNodes(rows[0]!['QUERY PLAN']);
        expect(nodes.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
        // the events table is entered by the stream name (an index condition), not filtered row by row
        const onEvents = nodes.filter((n) => n['Relation Name'] === 'events' || String(n['Index Name'] ?? '').startsWith('events_'));
        expect(onEvents.length).toBeGreaterThan(0);
        for (const node of onEvents) expect({ node: node['Node Type'], cond: String(node['Index Cond'] ?? '') }).toEqual({ node: node['Node Type'], cond: expect.stringContaining('stream_name =') });
      }
      await client.query('ROLLBACK');
    } finally {
      client.release();
      await events.close();
      await readModels.close();
      await dropSchema(pool, schema);
      await pool.end();
    }
  });
});
