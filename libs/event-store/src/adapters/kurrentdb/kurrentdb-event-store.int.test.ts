/**
 * The shared EventStore conformance suite against a real KurrentDB, when `KURRENTDB_URL` is set, e.g.
 * (image and option names as of KurrentDB 25/26; check the server's docs):
 *
 *   docker run --rm -p 2113:2113 -e KURRENTDB_INSECURE=true -e KURRENTDB_MAX_APPEND_SIZE=8388608 \
 *     kurrentplatform/kurrentdb:latest
 *   KURRENTDB_URL='kurrentdb://localhost:2113?tls=false' npx jest libs/event-store/src/adapters/kurrentdb
 *
 * The suite appends a batch of more than 1 MiB, which KurrentDB refuses under its default
 * `MaxAppendSize` of 1 MiB: raise it on the test server as above.
 * Each run uses its own stream prefix, so runs sharing a server never see each other's streams.
 */
import { randomBytes } from 'node:crypto';
import { describeEventStoreConformance } from '../../conformance/event-store.conformance';
import { KurrentDbEventStore } from './kurrentdb-event-store';

const SKIPPED = 'KurrentDB conformance suite SKIPPED: set KURRENTDB_URL=kurrentdb://localhost:2113?tls=false to run it';
const url = process.env.KURRENTDB_URL;

if (url) {
  jest.setTimeout(60_000);
  const streamPrefix = `hearthtest_${randomBytes(4).toString('hex')}.`;
  describeEventStoreConformance(
    `KurrentDB (${url}, prefix ${streamPrefix})`,
    async () => ({ store: await KurrentDbEventStore.connect({ connectionString: url, streamPrefix }) }),
    { detectsEventIdReuseAcrossStreams: false },
  );
} else {
  console.warn(SKIPPED);
  describe('EventStore conformance: KurrentDB', () => {
    it.skip(SKIPPED, () => undefined);
  });
}
