import pg from 'pg';
import { dropSchema, testDatabaseUrl, uniqueName } from '@hearth/testing';
import { describeTimerStoreConformance } from '../../conformance/timer-store.conformance';
import { PostgresTimerStore } from './postgres-timer-store';

describeTimerStoreConformance('PostgreSQL', async () => {
  const schema = uniqueName('timers_test');
  const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
  const store = await PostgresTimerStore.connect({ pool, schema });
  return {
    store,
    cleanup: async () => {
      await dropSchema(pool, schema);
      await pool.end();
    },
  };
});
