/**
 * The lookup read model on PostgreSQL (the reader of the service: one query joining the claim, the
 * guest document and the stream head), with a text search over every table of the schema for erasure.
 */
import { CryptoShreddingEventStore, MasterKey, PostgresEventStore, PostgresSubjectKeyStore } from '@hearth/event-store';
import { PostgresDocumentStore } from '@hearth/read-models';
import { dropSchema, testDatabaseUrl, uniqueName } from '@hearth/testing';
import pg from 'pg';
import { GUEST_PERSONAL_DATA } from '../../domain/guest.events';
import { postgresGuestLookup } from './guest-lookup.readers';
import { describeGuestLookupConformance } from './guest-lookup.test-helper';

describeGuestLookupConformance('PostgreSQL', async () => {
  const schema = uniqueName('cp_lookup');
  const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
  const events = await PostgresEventStore.connect({ pool, schema });
  const keys = await PostgresSubjectKeyStore.connect({ pool, schema, masterKey: MasterKey.generate('int') });
  const store = new CryptoShreddingEventStore(events, { keys, personalData: GUEST_PERSONAL_DATA });
  const readModels = await PostgresDocumentStore.connect({ pool, schema });
  const textSearch = async (needle: string) => {
    const { rows: tables } = await pool.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
    const hits: string[] = [];
    for (const { table_name } of tables) {
      const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}"."${table_name}" t WHERE t::text ILIKE $1`, [`%${needle}%`]);
      if (rows[0]!.n > 0) hits.push(`${table_name}: ${rows[0]!.n}`);
    }
    return hits;
  };
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
