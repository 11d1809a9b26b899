import { createHash } from 'node:crypto';
import type pg from 'pg';
import { KbError, type ArticleHit, type ArticlePage, type ArticleSearch, type ArticleSearchQuery } from '../../app/kb-use-cases';
import { kbArticlesTable, kbSearchConfigsTable } from './kb-articles.schema';

/**
 * `ts_rank_cd` weights for D, C, B, A: title (A) 1.0, tags (B) 0.4, body (C) 0.1, so one title hit
 * outweighs several body hits. No length normalisation: a long article is not a worse answer.
 */
export const RANK_WEIGHTS = '{0.1, 0.1, 0.4, 1.0}';
const EXCERPT_CHARS = 240;

/** Keyset state of the next page: the last hit's rank (exact float4 text) and position, bound to the query. */
type Cursor = { r: string; p: number; h: string };

/** A hash of everything that selects and orders the hits (not the page size): a cursor only fits its own query. */
function queryHash(tenantId: string, q: ArticleSearchQuery): string {
  const canonical = JSON.stringify([
    tenantId,
    q.text ?? null,
    [...(q.tags ?? [])].sort(),
    q.visibility ?? null,
    q.visibleBrands === 'all' ? 'all' : [...q.visibleBrands].sort(),
    q.brandId ?? null,
    q.language ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(value: string, hash: string): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const c = parsed as Partial<Cursor> | undefined;
  if (!c || typeof c.r !== 'string' || !/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(c.r) || !Number.isSafeInteger(c.p) || typeof c.h !== 'string') {
    throw new KbError('INVALID_CURSOR', 'the cursor is malformed', 'query.cursor');
  }
  if (c.h !== hash) throw new KbError('INVALID_CURSOR', 'the cursor belongs to another query: send the same parameters as for the first page', 'query.cursor');
  return c as Cursor;
}

class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

type HitRecord = {
  article_id: string;
  title: string;
  excerpt: string;
  body?: string;
  tags: string[];
  brand_id: string | null;
  visibility: 'internal' | 'public';
  language: string;
  updated_at: Date;
  stream_version: number;
  position: string;
  rank: number;
  rank_text: string;
};

/**
 * The SQL for one page. With a query, one tsquery is built per text search configuration the tenant's
 * articles use and each article is matched with the query of its own configuration (English stemming
 * for English articles, German for German…); the join lets every configuration use the GIN index.
 * Order: rank desc, then position desc (the most recently changed first). Positions are unique, so
 * the order is total and the keyset `(rank, position) < cursor` never skips or repeats a hit.
 */
export function searchSql(schema: string, tenantId: string, q: ArticleSearchQuery, after: Cursor | undefined): { text: string; values: unknown[] } {
  const t = kbArticlesTable(schema);
  const p = new Params();
  const tenant = p.add(tenantId);
  const where = [`a.tenant_id = ${tenant}`, `a.status = 'published'`];
  if (q.visibility) where.push(`a.visibility = ${p.add(q.visibility)}`);
  if (q.visibleBrands !== 'all') where.push(`(a.brand_id IS NULL OR a.brand_id = ANY(${p.add([...q.visibleBrands])}::text[]))`);
  if (q.brandId !== undefined) where.push(`(a.brand_id IS NULL OR a.brand_id = ${p.add(q.brandId)})`);
  if (q.tags && q.tags.length > 0) where.push(`a.tags @> ${p.add([...q.tags])}::text[]`);
  if (q.language !== undefined) {
    const language = p.add(q.language);
    // language tags are validated ([A-Za-z0-9-]), so they carry no LIKE wildcards
    where.push(`(a.language = ${language} OR a.language LIKE ${language} || '-%')`);
  }
  const columns = `a.article_id, a.title, left(a.body, ${EXCERPT_CHARS}) AS excerpt, ${q.withBody ? 'a.body, ' : ''}a.tags, a.brand_id, a.visibility, a.language, a.updated_at, a.stream_version, a.position`;
  const text = q.text?.trim();
  const inner = text
    ? `WITH queries AS MATERIALIZED (
         SELECT c.search_config, websearch_to_tsquery(c.search_config::regconfig, ${p.add(text)}) AS tsq
         FROM ${kbSearchConfigsTable(schema)} c WHERE c.tenant_id = ${tenant}
       )
       SELECT m.* FROM queries CROSS JOIN LATERAL (
         -- per configuration, so its tsquery is a constant to the GIN index
         SELECT ${columns}, ts_rank_cd('${RANK_WEIGHTS}'::float4[], a.search, queries.tsq) AS rank
         FROM ${t} a
         WHERE a.search_config = queries.search_config AND a.search @@ queries.tsq AND ${where.join(' AND ')}
       ) m`
    : `SELECT ${columns}, 0::float4 AS rank FROM ${t} a WHERE ${where.join(' AND ')}`;
  const keyset = after ? `WHERE (hits.rank, hits.position) < (${p.add(after.r)}::float4, ${p.add(after.p)}::bigint)` : '';
  return {
    text: `SELECT hits.*, hits.rank::text AS rank_text FROM (${inner}) hits ${keyset} ORDER BY hits.rank DESC, hits.position DESC LIMIT ${p.add(q.limit + 1)}`,
    values: p.values,
  };
}

/** The knowledge-base search over `kb_articles` (see `ArticleSearch`). */
export function createKbArticleSearch(pool: pg.Pool, schema: string): ArticleSearch {
  kbArticlesTable(schema); // fail fast on a bad schema name
  return {
    async search(tenantId, query): Promise<ArticlePage> {
      if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 100) throw new RangeError('limit must be 1 to 100');
      const hash = queryHash(tenantId, query);
      const after = query.cursor ? decodeCursor(query.cursor, hash) : undefined;
      const { rows } = await pool.query<HitRecord>(searchSql(schema, tenantId, query, after));
      const page = rows.slice(0, query.limit);
      const items: ArticleHit[] = page.map((r) => ({
        articleId: r.article_id,
        title: r.title,
        excerpt: r.excerpt,
        ...(r.body !== undefined ? { body: r.body } : {}),
        tags: r.tags,
        brandId: r.brand_id,
        visibility: r.visibility,
        language: r.language,
        updatedAt: r.updated_at.toISOString(),
        version: r.stream_version,
        score: Number(r.rank),
      }));
      const last = page[page.length - 1];
      return {
        items,
        ...(rows.length > query.limit && last ? { nextCursor: encodeCursor({ r: last.rank_text, p: Number(last.position), h: hash }) } : {}),
      };
    },
  };
}
