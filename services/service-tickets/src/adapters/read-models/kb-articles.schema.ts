import { migrateWithLock } from '@hearth/postgres';
import type pg from 'pg';

/** The search table of the knowledge base, in the service's schema. */
export const KB_ARTICLES_TABLE = 'kb_articles';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** `"<schema>".kb_articles`, after checking the schema is a plain identifier (it is interpolated into SQL). */
export function kbArticlesTable(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`schema '${schema}' is not a lower-case PostgreSQL identifier`);
  return `"${schema}"."${KB_ARTICLES_TABLE}"`;
}

/**
 * `"<schema>".kb_search_configs`: the text search configurations each tenant's articles were indexed with
 * (a handful of rows per tenant, never removed). A search builds one tsquery per row; reading them from
 * this small table instead of a DISTINCT over every article keeps the planner on the GIN index.
 */
export function kbSearchConfigsTable(schema: string): string {
  kbArticlesTable(schema); // validates the schema name
  return `"${schema}"."kb_search_configs"`;
}

/**
 * One row per article (all tenants; every query filters by `tenant_id`). `position` is the global
 * position of the last event applied (the replay guard), `stream_version` the article's ETag.
 * `search` is the weighted document: title A, tags B, body C, built with `search_config`, the text
 * search configuration of the article's language.
 */
export function kbArticlesDdl(schema: string): string[] {
  const t = kbArticlesTable(schema);
  const index = (suffix: string) => `"${KB_ARTICLES_TABLE}_${suffix}"`;
  return [
    `CREATE SCHEMA IF NOT EXISTS "${schema}"`,
    `CREATE TABLE IF NOT EXISTS ${t} (
       tenant_id text COLLATE "C" NOT NULL,
       article_id text COLLATE "C" NOT NULL,
       position bigint NOT NULL,
       stream_version integer NOT NULL,
       status text NOT NULL CHECK (status IN ('published', 'archived')),
       brand_id text COLLATE "C",
       visibility text NOT NULL CHECK (visibility IN ('internal', 'public')),
       language text NOT NULL,
       search_config text NOT NULL,
       title text NOT NULL,
       body text NOT NULL,
       tags text[] NOT NULL,
       source_ticket_id text,
       created_at timestamptz NOT NULL,
       created_by text NOT NULL,
       updated_at timestamptz NOT NULL,
       updated_by text NOT NULL,
       search tsvector NOT NULL,
       PRIMARY KEY (tenant_id, article_id)
     )`,
    `CREATE INDEX IF NOT EXISTS ${index('search')} ON ${t} USING gin (search)`,
    `CREATE INDEX IF NOT EXISTS ${index('tags')} ON ${t} USING gin (tags)`,
    // browsing without a query: newest change first, published only
    `CREATE INDEX IF NOT EXISTS ${index('recent')} ON ${t} (tenant_id, position DESC) WHERE status = 'published'`,
    `CREATE TABLE IF NOT EXISTS ${kbSearchConfigsTable(schema)} (
       tenant_id text COLLATE "C" NOT NULL,
       search_config text NOT NULL,
       PRIMARY KEY (tenant_id, search_config)
     )`,
    // the index that served a DISTINCT over the articles is no longer used
    `DROP INDEX IF EXISTS "${schema}".${index('configs')}`,
  ];
}

/**
 * ISO 639-1 language → PostgreSQL text search configuration (those PostgreSQL ships). Any other
 * language, or a configuration the server lacks, gets `simple` (no stemming, no stop words), which
 * still finds exact words. Changing this map changes the indexed documents: rebuild the projection.
 */
export const LANGUAGE_SEARCH_CONFIGS: Readonly<Record<string, string>> = {
  ar: 'arabic',
  hy: 'armenian',
  eu: 'basque',
  ca: 'catalan',
  da: 'danish',
  nl: 'dutch',
  en: 'english',
  fi: 'finnish',
  fr: 'french',
  de: 'german',
  el: 'greek',
  hi: 'hindi',
  hu: 'hungarian',
  id: 'indonesian',
  ga: 'irish',
  it: 'italian',
  lt: 'lithuanian',
  ne: 'nepali',
  no: 'norwegian',
  nb: 'norwegian',
  nn: 'norwegian',
  pt: 'portuguese',
  ro: 'romanian',
  ru: 'russian',
  sr: 'serbian',
  es: 'spanish',
  sv: 'swedish',
  ta: 'tamil',
  tr: 'turkish',
  yi: 'yiddish',
};

/** The configuration for a BCP 47 language tag, among those the server has (`available`). */
export function searchConfigFor(language: string, available: ReadonlySet<string>): string {
  const primary = language.split('-')[0]!.toLowerCase();
  const config = LANGUAGE_SEARCH_CONFIGS[primary];
  return config !== undefined && available.has(config) ? config : 'simple';
}

/** Creates the table and its indexes (idempotent, safe for instances starting together). */
export async function ensureKbArticlesSchema(pool: pg.Pool, schema: string): Promise<void> {
  await migrateWithLock(pool, `hearth-service-tickets:${schema}:${KB_ARTICLES_TABLE}`, kbArticlesDdl(schema));
}

/** The built-in text search configurations of this server (the fallback never names a missing one). */
export async function availableSearchConfigs(pool: pg.Pool): Promise<ReadonlySet<string>> {
  const { rows } = await pool.query<{ name: string }>(`SELECT cfgname AS name FROM pg_catalog.pg_ts_config WHERE cfgnamespace = 'pg_catalog'::regnamespace`);
  return new Set(rows.map((r) => r.name));
}
