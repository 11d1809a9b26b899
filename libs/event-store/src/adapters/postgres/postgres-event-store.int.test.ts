import pg from 'pg';
import { describeEventStoreConformance } from '../../conformance/event-store.conformance';
import { PostgresEventStore } from './postgres-event-store';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const uniqueSchema = () => `es_test_${Math.random().toString(36).slice(2, 10)}`;

describeEventStoreConformance('PostgreSQL', async () => {
  const schema = uniqueSchema();
  const store = await PostgresEventStore.connect({ connectionString: DATABASE_URL, schema });
  return {
    store,
    cleanup: async () => {
      const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
});
