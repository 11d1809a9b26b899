import type { EventStore } from '@hearth/event-store';
import type { DocumentStore } from '@hearth/read-models';
import type pg from 'pg';
import type { GuestLookupEntry, GuestLookupReadModel } from '../../app/guest-lookup';
import { guestStream } from '../../app/profile-context';
import { claimKeyId, guestLookupDocuments, guestLookupKeys, type GuestLookupDocument } from './guest-lookup.collections';

type Row = { doc: GuestLookupDocument; head: string | null };

const entryOf = (row: Row | undefined): GuestLookupEntry | undefined =>
  row ? { state: row.doc.state, streamVersion: row.doc.streamVersion, head: row.head === null ? undefined : Number(row.head) } : undefined;

/**
 * The two statements of the PostgreSQL reader ($1 tenant, $2 claim key id or guest id). The read-model
 * ids are `COLLATE "C"`, the event store's stream names use the database's collation: the stream name
 * is built in the latter, or the head would be found by scanning every event instead of by the index.
 */
export function guestLookupSql(schemas: { readModels: string; events: string }): { byClaimSql: string; byGuestSql: string } {
  const rm = (table: string) => `"${schemas.readModels}"."${table}"`;
  const head = `(SELECT max(e.stream_version) FROM "${schemas.events}".events e WHERE e.stream_name = ('guest-' || g.id) COLLATE "default")`;
  const byClaimSql = `
    SELECT g.doc, ${head} AS head
      FROM ${rm(guestLookupKeys.name)} k
      JOIN ${rm(guestLookupDocuments.name)} g ON g.tenant_id = k.tenant_id AND g.id = (k.doc->>'guestId') COLLATE "C"
     WHERE k.tenant_id = $1 AND k.id = $2`;
  const byGuestSql = `SELECT g.doc, ${head} AS head FROM ${rm(guestLookupDocuments.name)} g WHERE g.tenant_id = $1 AND g.id = $2`;
  return { byClaimSql, byGuestSql };
}

/**
 * The lookup read model on PostgreSQL, where the read models and the event store share a database: one
 * statement per lookup joins the claim's key document, the guest's document and the head of the guest's
 * stream (`max(stream_version)`, one step down the events table's unique index), so the answer says
 * whether the document is current without a second round trip.
 */
export function postgresGuestLookup(pool: pg.Pool, schemas: { readModels: string; events: string }): GuestLookupReadModel {
  const { byClaimSql, byGuestSql } = guestLookupSql(schemas);
  // named statements: parsed and planned once per connection
  const prefix = `guest_lookup_${schemas.readModels}`;
  return {
    async byClaim(tenantId, claimStream) {
      const { rows } = await pool.query<Row>({ name: `${prefix}_claim`, text: byClaimSql, values: [tenantId, claimKeyId(claimStream)] });
      return entryOf(rows[0]);
    },
    async byGuest(tenantId, guestId) {
      const { rows } = await pool.query<Row>({ name: `${prefix}_guest`, text: byGuestSql, values: [tenantId, guestId] });
      return entryOf(rows[0]);
    },
  };
}

/**
 * The lookup read model on any DocumentStore and EventStore (the in-memory pair of the unit tests, or
 * MongoDB with KurrentDB): the same answers as the PostgreSQL reader, in two or three round trips.
 */
export function documentStoreGuestLookup(store: DocumentStore, events: EventStore): GuestLookupReadModel {
  const byGuest = async (tenantId: string, guestId: string): Promise<GuestLookupEntry | undefined> => {
    const [doc, head] = await Promise.all([store.forTenant(tenantId).get(guestLookupDocuments, guestId), events.streamVersion(guestStream(guestId))]);
    return doc ? { state: doc.state, streamVersion: doc.streamVersion, head } : undefined;
  };
  return {
    async byClaim(tenantId, claimStream) {
      const key = await store.forTenant(tenantId).get(guestLookupKeys, claimKeyId(claimStream));
      return key ? byGuest(tenantId, key.guestId) : undefined;
    },
    byGuest,
  };
}
