/**
 * Schema of the PostgreSQL event store, one PostgreSQL schema per owning service.
 *
 * Global order and the gap problem: `global_position` is `(xid << 16) + n`, where xid is the
 * appending transaction's 64-bit id (`pg_current_xact_id()`) and n numbers its events. Readers only
 * return events with `global_position < pg_snapshot_xmin(current snapshot) << 16`: every transaction
 * below the snapshot's xmin has finished, and every future transaction gets a larger xid, so no event
 * can ever appear below a position a reader has passed. Appends are one statement (`appendSql`), so
 * each costs a single round trip and its own short transaction, which also owns its xid's block of
 * 2^16 positions. Positions stay below 2^53 (exact in a JS number) until the cluster has used 2^37
 * transaction ids.
 */
export const POSITION_SHIFT = 65536; // 2^16 events per transaction

export const SCHEMA_VERSION = 1;

export function migrationSql(schema: string): string[] {
  const s = `"${schema}"`;
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.event_store_migrations (
       version integer PRIMARY KEY,
       applied_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE TABLE IF NOT EXISTS ${s}.events (
       global_position bigint PRIMARY KEY,
       stream_name text NOT NULL,
       category text NOT NULL,
       stream_version bigint NOT NULL,
       event_id text NOT NULL,
       type text NOT NULL,
       data json NOT NULL,
       metadata json NOT NULL,
       recorded_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT events_stream_version_key UNIQUE (stream_name, stream_version),
       CONSTRAINT events_event_id_key UNIQUE (event_id)
     )`,
    `CREATE INDEX IF NOT EXISTS events_category_position_idx ON ${s}.events (category, global_position)`,
    `CREATE TABLE IF NOT EXISTS ${s}.snapshots (
       stream_name text PRIMARY KEY,
       stream_version bigint NOT NULL,
       schema_version text NOT NULL,
       state json NOT NULL,
       taken_at timestamptz NOT NULL
     )`,
    // Returns one row: outcome ('ok' | 'duplicate' | 'wrong_expected_version' | 'event_id_conflict'),
    // the stream version (actual one on conflict, null = no stream), the last global position, and for
    // event_id_conflict the offending id and its stream.
    `DROP FUNCTION IF EXISTS ${s}.append_events(text, text, text, bigint, text[], text[], json[], json[])`,
    `INSERT INTO ${s}.event_store_migrations (version) VALUES (${SCHEMA_VERSION}) ON CONFLICT DO NOTHING`,
  ];
}

/**
 * The append statement: appends for one or more *distinct* streams in one round trip and one implicit
 * transaction (one commit for the whole group). Request arrays: $1 stream, $2 category, $3 expectation
 * kind ('exact' | 'no_stream' | 'stream_exists' | 'any'), $4 expected version (for 'exact'). Event
 * arrays: $5 request index (1-based), $6 event id, $7 type, $8 data (json[]), $9 metadata (json[]).
 * Returns one row per request, in request order, from which the adapter derives its outcome.
 *
 * Data and metadata stay json text that no JSON operator parses, so any JSON the caller can produce
 * (including \u0000 escapes, which jsonb and the json operators reject) is stored. Events whose id is
 * already in their stream are skipped (idempotent append). A request writes nothing when one of its
 * ids belongs to another stream or its expectation fails; other requests of the group are unaffected.
 * The unique (stream_name, stream_version) key arbitrates races with other processes: a concurrent
 * writer that read the same last version fails on it (SQLSTATE 23505), nothing of the group is
 * written, and the adapter runs the appends again one by one to report each outcome.
 */
export function appendSql(schema: string): string {
  const events = `"${schema}".events`;
  return `
    WITH request AS (
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY AS r(stream, category, kind, expected, ri)
    ), event AS (
      SELECT * FROM unnest($5::int[], $6::text[], $7::text[], $8::json[], $9::json[]) WITH ORDINALITY AS e(ri, id, type, data, metadata, o)
    ), existing AS (
      SELECT x.event_id, x.stream_name, x.global_position, e.ri
        FROM ${events} x JOIN event e ON e.id = x.event_id
       WHERE x.event_id = ANY($6::text[])
    ), status AS (
      SELECT r.ri, r.stream, r.category, r.kind, r.expected,
             (SELECT max(x.stream_version) FROM ${events} x WHERE x.stream_name = r.stream) AS current_version,
             (SELECT count(*) FROM existing x WHERE x.ri = r.ri AND x.stream_name = r.stream)::int AS duplicates,
             (SELECT max(x.global_position) FROM existing x WHERE x.ri = r.ri AND x.stream_name = r.stream) AS duplicate_position,
             (SELECT x.event_id FROM existing x WHERE x.ri = r.ri AND x.stream_name <> r.stream LIMIT 1) AS conflict_event_id,
             (SELECT x.stream_name FROM existing x WHERE x.ri = r.ri AND x.stream_name <> r.stream LIMIT 1) AS conflict_stream
        FROM request r
    ), allowed AS (
      SELECT s.* FROM status s
       WHERE s.conflict_event_id IS NULL
         AND CASE s.kind
               WHEN 'no_stream' THEN s.current_version IS NULL
               WHEN 'stream_exists' THEN s.current_version IS NOT NULL
               WHEN 'exact' THEN s.current_version IS NOT DISTINCT FROM s.expected
               ELSE true
             END
    ), fresh AS (
      SELECT e.ri, e.o, e.id, e.type, e.data, e.metadata, a.stream, a.category, a.current_version,
             row_number() OVER (PARTITION BY e.ri ORDER BY e.o) AS n
        FROM event e JOIN allowed a ON a.ri = e.ri
       WHERE NOT EXISTS (SELECT 1 FROM existing x WHERE x.event_id = e.id)
    ), inserted AS (
      INSERT INTO ${events} (global_position, stream_name, category, stream_version, event_id, type, data, metadata)
      SELECT pg_current_xact_id()::text::bigint * ${POSITION_SHIFT} + row_number() OVER (ORDER BY f.ri, f.o) - 1,
             f.stream, f.category, coalesce(f.current_version, -1) + f.n, f.id, f.type, f.data, f.metadata
        FROM fresh f
      RETURNING stream_name, global_position, stream_version
    )
    SELECT s.ri, s.current_version, s.duplicates, s.duplicate_position, s.conflict_event_id, s.conflict_stream,
           (SELECT count(*) FROM inserted i WHERE i.stream_name = s.stream)::int AS inserted,
           (SELECT max(i.global_position) FROM inserted i WHERE i.stream_name = s.stream) AS last_position,
           (SELECT max(i.stream_version) FROM inserted i WHERE i.stream_name = s.stream) AS last_version
      FROM status s ORDER BY s.ri`;
}
