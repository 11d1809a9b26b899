import pg from 'pg';
import { describeSnapshotStoreConformance } from '../../conformance/snapshot-store.conformance';
import { PostgresEventStore } from './postgres-event-store';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describeSnapshotStoreConformance('PostgreSQL', async () => {
  const schema = `es_snap_${Math.random().toString(36).slice(2, 10)}`;
  const events = await PostgresEventStore.connect({ connectionString: DATABASE_URL, schema });
  return {
    store: events.snapshotStore(),
    cleanup: async () => {
      await events.close();
      const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
});
