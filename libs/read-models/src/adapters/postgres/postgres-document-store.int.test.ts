import pg from 'pg';
import { dropSchema, testDatabaseUrl, uniqueName } from '@hearth/testing';
import { describeDocumentStoreConformance } from '../../conformance/document-store.conformance';
import { PostgresDocumentStore } from './postgres-document-store';

describeDocumentStoreConformance('PostgreSQL', async () => {
  const schema = uniqueName('rm_test');
  const store = await PostgresDocumentStore.connect({ connectionString: testDatabaseUrl(), schema });
  return {
    store,
    cleanup: async () => {
      const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 });
      await dropSchema(pool, schema);
      await pool.end();
    },
  };
});
