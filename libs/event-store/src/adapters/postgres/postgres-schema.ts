/**
 * Schema of the PostgreSQL event store, one PostgreSQL schema per owning service.
 *
 * Global order and the gap problem: `global_position` is `(xid << 16) + n`, where xid is the
 * appending transaction's 64-bit id (`pg_current_xact_id()`) and n numbers its events. Readers only
 * return events with `global_position < pg_snapshot_xmin(current snapshot) << 16`: every transaction
 * below the snapshot's xmin has finished, and every future transaction gets a larger xid, so no event
 * can ever appear below a position a reader has passed. Appends are one statement (`append_events`)
 * so each costs a single round trip and its own short transaction.
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
    `CREATE TABLE IF NOT EXISTS ${s}.streams (
       stream_name text PRIMARY KEY,
       category text NOT NULL,
       version bigint NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE TABLE IF NOT EXISTS ${s}.events (
       global_position bigint PRIMARY KEY,
       stream_name text NOT NULL,
       category text NOT NULL,
       stream_version bigint NOT NULL,
       event_id text NOT NULL,
       type text NOT NULL,
       data json NOT NULL,
       metadata jsonb NOT NULL,
       recorded_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT events_stream_version_key UNIQUE (stream_name, stream_version),
       CONSTRAINT events_event_id_key UNIQUE (event_id)
     )`,
    `CREATE INDEX IF NOT EXISTS events_category_position_idx ON ${s}.events (category, global_position)`,
    // Returns one row: outcome ('ok' | 'duplicate' | 'wrong_expected_version' | 'event_id_conflict'),
    // the stream version (actual one on conflict, null = no stream), the last global position, and for
    // event_id_conflict the offending id and its stream.
    // Events arrive as parallel arrays: data stays json text that no JSON operator parses, so any
    // JSON the caller can produce (including \u0000 escapes, which jsonb and json operators reject) is stored.
    `CREATE OR REPLACE FUNCTION ${s}.append_events(
       p_stream text, p_category text, p_expected_kind text, p_expected bigint,
       p_ids text[], p_types text[], p_data json[], p_metadata jsonb[]
     ) RETURNS TABLE (outcome text, stream_version bigint, global_position bigint, conflict_event_id text, conflict_stream text)
     LANGUAGE plpgsql AS $fn$
     DECLARE
       v_dup_ids text[];
       v_last_position bigint;
       v_current bigint;
       v_exists boolean;
       v_count integer;
       v_base bigint;
       v_xid_base bigint;
       v_other record;
     BEGIN
       SELECT ev.event_id, ev.stream_name INTO v_other
         FROM ${s}.events ev WHERE ev.event_id = ANY(p_ids) AND ev.stream_name <> p_stream LIMIT 1;
       IF FOUND THEN
         RETURN QUERY SELECT 'event_id_conflict'::text, NULL::bigint, NULL::bigint, v_other.event_id, v_other.stream_name;
         RETURN;
       END IF;
       SELECT coalesce(array_agg(ev.event_id), '{}'), max(ev.global_position) INTO v_dup_ids, v_last_position
         FROM ${s}.events ev WHERE ev.event_id = ANY(p_ids) AND ev.stream_name = p_stream;
       v_count := cardinality(p_ids) - cardinality(v_dup_ids);
       IF v_count = 0 THEN
         RETURN QUERY SELECT 'duplicate'::text, (SELECT st.version FROM ${s}.streams st WHERE st.stream_name = p_stream),
           v_last_position, NULL::text, NULL::text;
         RETURN;
       END IF;

       LOOP
         SELECT st.version INTO v_current FROM ${s}.streams st WHERE st.stream_name = p_stream FOR UPDATE;
         v_exists := FOUND;
         IF (p_expected_kind = 'no_stream' AND v_exists)
            OR (p_expected_kind = 'stream_exists' AND NOT v_exists)
            OR (p_expected_kind = 'exact' AND (NOT v_exists OR v_current <> p_expected)) THEN
           RETURN QUERY SELECT 'wrong_expected_version'::text, CASE WHEN v_exists THEN v_current END, NULL::bigint, NULL::text, NULL::text;
           RETURN;
         END IF;
         IF v_exists THEN
           UPDATE ${s}.streams SET version = v_current + v_count WHERE stream_name = p_stream;
           EXIT;
         END IF;
         INSERT INTO ${s}.streams (stream_name, category, version) VALUES (p_stream, p_category, v_count - 1)
           ON CONFLICT (stream_name) DO NOTHING;
         IF FOUND THEN
           v_current := -1;
           EXIT;
         END IF;
         -- a concurrent append created the stream first: check the expectation against it
       END LOOP;

       -- continue numbering if this transaction already appended (several appends in one transaction)
       v_xid_base := pg_current_xact_id()::text::bigint * ${POSITION_SHIFT};
       SELECT coalesce(max(ev.global_position) + 1, v_xid_base) INTO v_base FROM ${s}.events ev
        WHERE ev.global_position >= v_xid_base AND ev.global_position < v_xid_base + ${POSITION_SHIFT};
       IF v_base - v_xid_base + v_count > ${POSITION_SHIFT} THEN
         RAISE EXCEPTION 'more than % events in one transaction', ${POSITION_SHIFT};
       END IF;

       INSERT INTO ${s}.events (global_position, stream_name, category, stream_version, event_id, type, data, metadata)
       SELECT v_base + n - 1, p_stream, p_category, v_current + n, x.id, x.type, x.data, x.metadata
         FROM (
           SELECT u.id, u.type, u.data, u.metadata, row_number() OVER (ORDER BY u.o) AS n
             FROM unnest(p_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS u(id, type, data, metadata, o)
            WHERE NOT (u.id = ANY(v_dup_ids))
         ) x;

       RETURN QUERY SELECT 'ok'::text, v_current + v_count, v_base + v_count - 1, NULL::text, NULL::text;
     END;
     $fn$`,
    `INSERT INTO ${s}.event_store_migrations (version) VALUES (${SCHEMA_VERSION}) ON CONFLICT DO NOTHING`,
  ];
}
