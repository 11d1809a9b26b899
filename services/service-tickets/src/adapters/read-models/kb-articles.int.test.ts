/**
 * The knowledge-base search read model against the real PostgreSQL: articles are written through the
 * use cases into a PostgreSQL event store, the projection fills `kb_articles`, the search reads it.
 * One schema for the file; every test uses its own tenant.
 */
import { randomBytes } from 'node:crypto';
import { PostgresEventStore } from '@hearth/event-store';
import { PostgresDocumentStore } from '@hearth/read-models';
import { dropSchema, eventually, testDatabaseUrl, uniqueName } from '@hearth/testing';
import pg from 'pg';
import { archiveArticle, createArticle, KbError, restoreArticle, updateArticle, type ArticleSearchQuery, type KbCaller, type KbContext, type NewArticle } from '../../app/kb-use-cases';
import { applyKbArticleEvent, createKbArticlesProjection, KB_ARTICLES_PROJECTION, loadKbArticleRow, type KbArticlesProjection } from './kb-articles.projection';
import { availableSearchConfigs, ensureKbArticlesSchema, kbArticlesTable, kbSearchConfigsTable } from './kb-articles.schema';
import { createKbArticleSearch, searchSql } from './kb-articles.search';

const hex = () => randomBytes(4).toString('hex');
// the shared machine runs other suites and benchmarks: a projection can trail by seconds when it is busy
jest.setTimeout(60_000);
const WAIT = { timeoutMs: 30_000 };

describe('kb_articles read model on PostgreSQL', () => {
  const schema = uniqueName('kb_rm');
  let pool: pg.Pool;
  let events: PostgresEventStore;
  let documents: PostgresDocumentStore;
  let configs: ReadonlySet<string>;
  let projection: KbArticlesProjection;
  let ctx: KbContext;
  let minute = 0;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 6 });
    events = await PostgresEventStore.connect({ pool, schema });
    await ensureKbArticlesSchema(pool, schema);
    configs = await availableSearchConfigs(pool);
    documents = await PostgresDocumentStore.connect({ pool, schema });
    projection = createKbArticlesProjection({ events, documents, schema, configs });
    await projection.start();
    ctx = {
      store: events,
      search: createKbArticleSearch(pool, schema),
      tickets: { resolvedTicket: async () => undefined },
      now: () => new Date(Date.parse('2026-06-01T08:00:00.000Z') + minute++ * 60_000).toISOString(),
      newId: () => `a-${hex()}`,
    };
  });
  afterAll(async () => {
    await projection.stop();
    await events.close();
    await documents.close();
    await dropSchema(pool, schema);
    await pool.end();
  });

  const chainWide = (tenantId: string): KbCaller => ({ tenantId, actor: 'user:editor', brands: '*', visibleBrands: 'all', correlationId: `c-${hex()}` });
  const article = (overrides: Partial<NewArticle> = {}): NewArticle => ({
    title: 'Untitled',
    body: 'Nothing to see here.',
    tags: [],
    brandId: null,
    visibility: 'internal',
    language: 'en',
    ...overrides,
  });
  const search = (tenantId: string, query: Partial<ArticleSearchQuery> = {}) => ctx.search.search(tenantId, { visibleBrands: 'all', limit: 20, ...query });
  const ids = async (tenantId: string, query: Partial<ArticleSearchQuery> = {}) => (await search(tenantId, query)).items.map((h) => h.articleId);
  /** Waits until the projection has applied the article at this stream version. */
  const indexed = (tenantId: string, articleId: string, version: number) =>
    eventually(async () => expect((await loadKbArticleRow(pool, schema, tenantId, articleId))?.streamVersion).toBe(version), WAIT);
  const write = async (tenantId: string, overrides: Partial<NewArticle> = {}) => {
    const { article: view, version } = await createArticle(ctx, chainWide(tenantId), article(overrides));
    await indexed(tenantId, view.articleId, version);
    return view.articleId;
  };
  const tableContent = async () =>
    (await pool.query(`SELECT *, search::text AS search_text FROM ${kbArticlesTable(schema)} ORDER BY tenant_id, article_id`)).rows.map((r: Record<string, unknown>) => {
      const { search: _tsvector, ...rest } = r;
      return rest;
    });

  it('ranks a title hit above a tag hit above a body hit, then the most recently changed first', async () => {
    const tenant = `t-${hex()}`;
    const inBody = await write(tenant, { title: 'Billing questions', body: 'A refund takes five working days.' });
    const inTitle = await write(tenant, { title: 'Refund policy', body: 'Money goes back to the card used.' });
    const inTags = await write(tenant, { title: 'Cancellations', body: 'Free until 48 hours before arrival.', tags: ['refund'] });
    const alsoInBody = await write(tenant, { title: 'Deposits', body: 'Deposits are kept; a refund is possible for medical reasons.' });
    await write(tenant, { title: 'Breakfast', body: 'Served from seven.' });

    const page = await search(tenant, { text: 'refund' });
    expect(page.items.map((h) => h.articleId)).toEqual([inTitle, inTags, alsoInBody, inBody]);
    const [title, tags, body1, body2] = page.items.map((h) => h.score);
    expect(title).toBeGreaterThan(tags!);
    expect(tags).toBeGreaterThan(body1!);
    expect(body1).toBe(body2); // equal ranks: the later write comes first
    expect(page.items[0]).toMatchObject({ title: 'Refund policy', excerpt: 'Money goes back to the card used.', visibility: 'internal', language: 'en', version: 0 });
    expect(page.items[0]!.body).toBeUndefined();
  });

  it('stems English articles, uses other languages’ dictionaries, and indexes unknown languages word by word', async () => {
    const tenant = `t-${hex()}`;
    const english = await write(tenant, { title: 'Refunds', body: 'Guests are refunded when a booked room is unavailable.' });
    const german = await write(tenant, { title: 'Erstattungen', body: 'Die Gäste bekommen Rückerstattungen für ausgefallene Zimmer.', language: 'de-AT' });
    const unknown = await write(tenant, { title: 'Ọ̀rọ̀', body: 'refunds gbogbo', language: 'yo' });

    expect(await ids(tenant, { text: 'refunding' })).toEqual([english]); // refund/refunds/refunded share a stem
    expect(await ids(tenant, { text: 'refunds' })).toEqual(expect.arrayContaining([english, unknown]));
    expect(await ids(tenant, { text: 'Rückerstattung' })).toEqual([german]);
    expect(await ids(tenant, { text: '"room is unavailable"' })).toEqual([english]);
    expect(await ids(tenant, { text: 'refund -booked' })).toEqual([]);
    const rows = await Promise.all([english, german, unknown].map((id) => loadKbArticleRow(pool, schema, tenant, id)));
    expect(rows.map((r) => r?.searchConfig)).toEqual(['english', 'german', 'simple']);
  });

  it('drops archived articles from search and brings restored ones back', async () => {
    const tenant = `t-${hex()}`;
    const caller = chainWide(tenant);
    const id = await write(tenant, { title: 'Pool hours', body: 'The pool opens at eight.' });
    expect(await ids(tenant, { text: 'pool' })).toEqual([id]);
    const archived = await archiveArticle(ctx, caller, id, 'pool closed for works');
    await indexed(tenant, id, archived.version);
    expect(await ids(tenant, { text: 'pool' })).toEqual([]);
    expect(await ids(tenant)).toEqual([]);
    const restored = await restoreArticle(ctx, caller, id);
    await indexed(tenant, id, restored.version);
    expect(await ids(tenant, { text: 'pool' })).toEqual([id]);
  });

  it('follows edits: the new text is found, the old text is not', async () => {
    const tenant = `t-${hex()}`;
    const id = await write(tenant, { title: 'Parking', body: 'Valet parking costs 20 EUR.' });
    const updated = await updateArticle(ctx, chainWide(tenant), id, { body: 'The garage is free for members.', tags: ['garage'] }, 0);
    await indexed(tenant, id, updated.version);
    expect(await ids(tenant, { text: 'valet' })).toEqual([]);
    expect(await ids(tenant, { text: 'members garage' })).toEqual([id]);
    expect(await ids(tenant, { tags: ['garage'] })).toEqual([id]);
  });

  it('keeps tenants apart', async () => {
    const [a, b] = [`t-${hex()}`, `t-${hex()}`];
    const ofA = await write(a, { title: 'Spa treatments', body: 'Book the spa at the desk.' });
    const ofB = await write(b, { title: 'Spa treatments', body: 'Book the spa online.' });
    expect(await ids(a, { text: 'spa' })).toEqual([ofA]);
    expect(await ids(b, { text: 'spa' })).toEqual([ofB]);
    expect(await ids(a)).toEqual([ofA]);
    expect(await loadKbArticleRow(pool, schema, a, ofB)).toBeUndefined();
  });

  it('scopes by brand (chain-wide articles for everyone), visibility, tags and language', async () => {
    const tenant = `t-${hex()}`;
    const hotels = await write(tenant, { title: 'Late check-out', body: 'Until two.', brandId: 'hotels', tags: ['rooms', 'check-out'], visibility: 'public' });
    const bistro = await write(tenant, { title: 'Late dinner', body: 'Kitchen closes at eleven.', brandId: 'bistro', tags: ['dining'] });
    const outlet = await write(tenant, { title: 'Late returns', body: 'Returns within 30 days.', brandId: 'outlet', visibility: 'public' });
    const chain = await write(tenant, { title: 'Late arrivals', body: 'Call the property.', tags: ['rooms'], visibility: 'public', language: 'en-GB' });

    const late = (query: Partial<ArticleSearchQuery>) => ids(tenant, { text: 'late', ...query });
    expect(new Set(await late({}))).toEqual(new Set([hotels, bistro, outlet, chain]));
    expect(new Set(await late({ visibleBrands: new Set(['hotels', 'bistro']) }))).toEqual(new Set([hotels, bistro, chain]));
    expect(new Set(await late({ visibleBrands: new Set(['outlet']) }))).toEqual(new Set([outlet, chain]));
    expect(new Set(await late({ visibleBrands: new Set() }))).toEqual(new Set([chain]));
    expect(new Set(await late({ brandId: 'hotels' }))).toEqual(new Set([hotels, chain]));
    expect(new Set(await late({ visibility: 'public', visibleBrands: new Set(['hotels', 'bistro']) }))).toEqual(new Set([hotels, chain]));
    expect(new Set(await late({ tags: ['rooms'] }))).toEqual(new Set([hotels, chain]));
    expect(await late({ tags: ['rooms', 'check-out'] })).toEqual([hotels]);
    expect(await late({ language: 'en-GB' })).toEqual([chain]);
    expect(new Set(await late({ language: 'en' }))).toEqual(new Set([hotels, bistro, outlet, chain]));
    expect(await late({ language: 'de' })).toEqual([]);
  });

  it('pages with a cursor bound to its query, without repeats or gaps', async () => {
    const tenant = `t-${hex()}`;
    const written: string[] = [];
    for (let i = 0; i < 7; i++) written.push(await write(tenant, { title: i % 2 === 0 ? `Towel service ${i}` : `Housekeeping ${i}`, body: `Fresh towels daily, request ${i}.` }));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await search(tenant, { text: 'towel', limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((h) => h.articleId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(await ids(tenant, { text: 'towel', limit: 20 }));
    expect(new Set(seen)).toEqual(new Set(written));
    // title hits (even numbers) first, each group newest first
    expect(seen).toEqual([written[6], written[4], written[2], written[0], written[5], written[3], written[1]]);

    const first = await search(tenant, { limit: 2 });
    expect(first.items.map((h) => h.articleId)).toEqual([written[6], written[5]]);
    const second = await search(tenant, { limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((h) => h.articleId)).toEqual([written[4], written[3]]);
    await expect(search(tenant, { text: 'fresh', limit: 2, cursor: first.nextCursor! })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    await expect(search(tenant, { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(KbError);
  });

  it('serves a search from the GIN index once a tenant has many articles', async () => {
    const client = await pool.connect();
    try {
      // 4,000 articles in one transaction that is rolled back: the planner's choice with realistic statistics
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO ${kbArticlesTable(schema)} (tenant_id, article_id, position, stream_version, status, brand_id, visibility, language, search_config, title, body, tags, created_at, created_by, updated_at, updated_by, search)
         SELECT 't-plan', 'a' || i, i, 0, 'published', NULL, 'internal', 'en', 'english', 'Title ' || md5(i::text), 'Towels and breakfast ' || md5((i * 3)::text), '{}', now(), 'u', now(), 'u',
                to_tsvector('english', 'Title ' || md5(i::text) || ' towels and breakfast ' || CASE WHEN i % 1000 = 0 THEN 'refund' ELSE '' END)
         FROM generate_series(1, 4000) i`,
      );
      await client.query(`INSERT INTO ${kbSearchConfigsTable(schema)} (tenant_id, search_config) VALUES ('t-plan', 'english'), ('t-plan', 'simple') ON CONFLICT DO NOTHING`);
      await client.query(`ANALYZE ${kbArticlesTable(schema)}`);
      const { text, values } = searchSql(schema, 't-plan', { text: 'refund', visibleBrands: 'all', limit: 20 }, undefined);
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, values);
      expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Bitmap Index Scan on kb_articles_search/);
      const hits = await client.query(text, values);
      expect(hits.rows.map((r: { article_id: string }) => r.article_id)).toEqual(['a4000', 'a3000', 'a2000', 'a1000']);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('is idempotent under replays and rebuilds from zero to the same table', async () => {
    const tenant = `t-${hex()}`;
    const caller = chainWide(tenant);
    const a = await write(tenant, { title: 'Minibar', body: 'Prices are on the card.', brandId: 'hotels' });
    await write(tenant, { title: 'Room service', body: 'Around the clock.', language: 'fr' });
    const edited = await updateArticle(ctx, caller, a, { title: 'Minibar prices', visibility: 'public' }, 0);
    await indexed(tenant, a, edited.version);
    const archived = await archiveArticle(ctx, caller, a);
    await indexed(tenant, a, archived.version);
    const before = await tableContent();
    const results = await search(tenant, { text: 'room' });

    // a replay of every event (a lost checkpoint) changes nothing
    const all = await events.readAll({ categories: ['article'], limit: 10_000 });
    const client = await pool.connect();
    try {
      for (const event of all) expect(await applyKbArticleEvent(client, schema, configs, event)).toBe(false);
    } finally {
      client.release();
    }
    expect(await tableContent()).toEqual(before);

    // rebuild from zero: same rows (tsvectors included), same answers, checkpoint at the last event
    const rebuilt = await projection.rebuild();
    expect(rebuilt.events).toBe(all.length);
    expect(rebuilt.position).toBe(all[all.length - 1]!.globalPosition);
    expect(await tableContent()).toEqual(before);
    expect(await search(tenant, { text: 'room' })).toEqual(results);
    expect((await documents.checkpoints.load(KB_ARTICLES_PROJECTION))?.position).toBe(rebuilt.position);

    // and the live projection goes on after it
    const later = await write(tenant, { title: 'Ice machine', body: 'On every floor.' });
    expect(await ids(tenant, { text: 'ice' })).toEqual([later]);
  });
});
