/**
 * The shared DocumentStore conformance suite against a MongoDB-wire-compatible server, when
 * `MONGODB_URI` is set. CI starts FerretDB v1 (SQLite backend) with deploy/scripts/mongo-test-server.sh:
 *
 *   eval "$(deploy/scripts/mongo-test-server.sh | tail -1 | sed 's/^/export /')"
 *   npx jest libs/read-models/src/adapters/mongodb
 *
 * Each test uses its own database and drops it afterwards.
 */
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { describeDocumentStoreConformance } from '../../conformance/document-store.conformance';
import { MongoDocumentStore } from './mongodb-document-store';

const SKIPPED = 'MongoDB conformance suite SKIPPED: set MONGODB_URI (e.g. from deploy/scripts/mongo-test-server.sh) to run it';
const uri = process.env.MONGODB_URI;

if (uri) {
  jest.setTimeout(30_000);
  let client: MongoClient;
  beforeAll(async () => {
    client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
    await client.connect();
  });
  afterAll(async () => {
    await client.close();
  });
  describeDocumentStoreConformance(`MongoDB (${uri})`, async () => {
    const database = `rm_test_${randomBytes(6).toString('hex')}`;
    const store = await MongoDocumentStore.connect({ client, database });
    return { store, cleanup: async () => void (await client.db(database).dropDatabase()) };
  });
} else {
  console.warn(SKIPPED);
  describe('DocumentStore conformance: MongoDB', () => {
    it.skip(SKIPPED, () => undefined);
  });
}
