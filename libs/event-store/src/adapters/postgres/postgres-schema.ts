/**
 * Schema of the PostgreSQL event store, one PostgreSQL schema per owning service.
 *
 * Global order and the gap problem: `global_position` is `(xid << 16) + n`, where xid is the
 * appending transaction's 64-bit id (`pg_current_xact_id()`) and n numbers its events. Readers only
 * return events with `global_position < pg_snapshot_xmin(current snapshot) << 16`: every transaction
 * below the snapshot's xmin has finished, and every future transaction gets a larger xid, so no event
 * can ever appear below a position a reader has passed. Appends are one statement (`append_events`)
 * so each costs a single round trip and its own short transaction, which also owns its xid's block of
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
    // Returns one row: outcome ('ok' | 'duplicate' | 'wrong_expected_version' | 'event_id_conflict'),
    // the stream version (actual one on conflict, null = no stream), the last global position, and for
    // event_id_conflict the offending id and its stream.
    // Events arrive as parallel arrays; data and metadata stay json text that no JSON operator parses,
    // so any JSON the caller can produce (including \u0000 escapes, which jsonb rejects) is stored.
    // The happy path is three statements: duplicate probe, conditional stream-version bump, insert.
    `CREATE OR REPLACE FUNCTION ${s}.append_events(
       p_stream text, p_category text, p_expected_kind text, p_expected bigint,
       p_ids text[], p_types text[], p_data json[], p_metadata json[]
     ) RETURNS TABLE (outcome text, stream_version bigint, global_position bigint, conflict_event_id text, conflict_stream text)
     LANGUAGE plpgsql AS $fn$
     DECLARE
       v_dup_ids text[];
       v_last_position bigint;
       v_other_id text;
       v_other_stream text;
       v_count integer;
       v_version bigint;
       v_base bigint;
     BEGIN
       SELECT array_agg(ev.event_id) FILTER (WHERE ev.stream_name = p_stream),
              max(ev.global_position) FILTER (WHERE ev.stream_name = p_stream),
              min(ev.event_id) FILTER (WHERE ev.stream_name <> p_stream),
              min(ev.stream_name) FILTER (WHERE ev.stream_name <> p_stream)
         INTO v_dup_ids, v_last_position, v_other_id, v_other_stream
         FROM ${s}.events ev WHERE ev.event_id = ANY(p_ids);
       IF v_other_id IS NOT NULL THEN
         RETURN QUERY SELECT 'event_id_conflict'::text, NULL::bigint, NULL::bigint, v_other_id, v_other_stream;
         RETURN;
       END IF;
       v_count := cardinality(p_ids) - coalesce(cardinality(v_dup_ids), 0);
       IF v_count = 0 THEN
         RETURN QUERY SELECT 'duplicate'::text, (SELECT max(ev.stream_version) FROM ${s}.events ev WHERE ev.stream_name = p_stream),
           v_last_position, NULL::text, NULL::text;
         RETURN;
       END IF;

       -- The unique (stream_name, stream_version) key arbitrates races: a concurrent writer that read the
       -- same last version fails on it (SQLSTATE 23505) and the adapter reports the conflict (or, for
       -- 'any', retries). No per-stream row is written, so an append writes nothing but its events.
       SELECT max(ev.stream_version) INTO v_version FROM ${s}.events ev WHERE ev.stream_name = p_stream;
       IF (p_expected_kind = 'no_stream' AND v_version IS NOT NULL)
          OR (p_expected_kind = 'stream_exists' AND v_version IS NULL)
          OR (p_expected_kind = 'exact' AND v_version IS DISTINCT FROM p_expected) THEN
         RETURN QUERY SELECT 'wrong_expected_version'::text, v_version, NULL::bigint, NULL::text, NULL::text;
         RETURN;
       END IF;
       v_version := coalesce(v_version, -1) + v_count;

       -- appends are single-statement transactions, so the transaction's position block is all ours
       v_base := pg_current_xact_id()::text::bigint * ${POSITION_SHIFT};
       IF v_dup_ids IS NULL THEN
         INSERT INTO ${s}.events (global_position, stream_name, category, stream_version, event_id, type, data, metadata)
         SELECT v_base + u.o - 1, p_stream, p_category, v_version - v_count + u.o, u.id, u.type, u.data, u.metadata
           FROM unnest(p_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS u(id, type, data, metadata, o);
       ELSE
         INSERT INTO ${s}.events (global_position, stream_name, category, stream_version, event_id, type, data, metadata)
         SELECT v_base + x.n - 1, p_stream, p_category, v_version - v_count + x.n, x.id, x.type, x.data, x.metadata
           FROM (
             SELECT u.id, u.type, u.data, u.metadata, row_number() OVER (ORDER BY u.o) AS n
               FROM unnest(p_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS u(id, type, data, metadata, o)
              WHERE NOT (u.id = ANY(v_dup_ids))
           ) x;
       END IF;

       RETURN QUERY SELECT 'ok'::text, v_version, v_base + v_count - 1, NULL::text, NULL::text;
     END;
     $fn$`,
    `INSERT INTO ${s}.event_store_migrations (version) VALUES (${SCHEMA_VERSION}) ON CONFLICT DO NOTHING`,
  ];
}
