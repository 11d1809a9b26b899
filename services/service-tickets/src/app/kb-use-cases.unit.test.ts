import { MemoryEventStore, WrongExpectedVersionError } from '@hearth/event-store';
import {
  archiveArticle,
  createArticle,
  createArticleFromTicket,
  faq,
  getArticle,
  restoreArticle,
  searchArticles,
  updateArticle,
  type ArticleSearchQuery,
  type KbCaller,
  type KbContext,
  type NewArticle,
  type ResolvedTicket,
} from './kb-use-cases';

const article = (overrides: Partial<NewArticle> = {}): NewArticle => ({
  title: 'Late check-out',
  body: 'Until two when the room is free.',
  tags: ['rooms'],
  brandId: 'hotels',
  visibility: 'internal',
  language: 'en',
  ...overrides,
});

function setup() {
  const store = new MemoryEventStore();
  const tickets = new Map<string, ResolvedTicket & { tenantId: string }>();
  const searches: { tenantId: string; query: ArticleSearchQuery }[] = [];
  let n = 0;
  const ctx: KbContext = {
    store,
    search: {
      search: async (tenantId, query) => {
        searches.push({ tenantId, query });
        return { items: [] };
      },
    },
    tickets: { resolvedTicket: async (tenantId, ticketId) => (tickets.get(ticketId)?.tenantId === tenantId ? tickets.get(ticketId) : undefined) },
    now: () => `2026-06-01T08:${String(n).padStart(2, '0')}:00.000Z`,
    newId: () => `a-${++n}`,
  };
  return { store, ctx, tickets, searches };
}

const hotelsAgent: KbCaller = { tenantId: 'acme', actor: 'user:ana', brands: ['hotels'], visibleBrands: new Set(['hotels', 'bistro']), correlationId: 'c-1' };
const bistroAgent: KbCaller = { ...hotelsAgent, actor: 'user:bo', brands: ['bistro'], visibleBrands: new Set(['bistro', 'hotels']) };
const outletAgent: KbCaller = { ...hotelsAgent, actor: 'user:cy', brands: ['outlet'], visibleBrands: new Set(['outlet']) };
const admin: KbCaller = { ...hotelsAgent, actor: 'user:root', brands: '*', visibleBrands: 'all' };
const otherTenant: KbCaller = { ...admin, tenantId: 'globex' };

describe('knowledge-base use cases', () => {
  it('creates an article with metadata and reads it back with its version', async () => {
    const { ctx, store } = setup();
    const { article: view, version } = await createArticle(ctx, hotelsAgent, article());
    expect(version).toBe(0);
    expect(view).toMatchObject({ articleId: 'a-1', status: 'published', createdBy: 'user:ana', brandId: 'hotels' });
    const [event] = await store.readStream('article-a-1');
    expect(event!.metadata).toMatchObject({ tenantId: 'acme', actor: 'user:ana', brandId: 'hotels', correlationId: 'c-1', causationId: 'c-1', occurredAt: view.createdAt });
    expect(await getArticle(ctx, bistroAgent, 'a-1')).toEqual({ article: view, version: 0 });
  });

  it('lets brand staff write only their brands, and chain-wide articles only chain-wide tokens', async () => {
    const { ctx } = setup();
    await expect(createArticle(ctx, hotelsAgent, article({ brandId: 'bistro' }))).rejects.toMatchObject({ code: 'BRAND_NOT_ALLOWED', field: 'body.brandId' });
    await expect(createArticle(ctx, hotelsAgent, article({ brandId: null }))).rejects.toMatchObject({ code: 'BRAND_NOT_ALLOWED' });
    const chain = await createArticle(ctx, admin, article({ brandId: null }));
    // everyone sees it, only chain-wide tokens edit it
    expect((await getArticle(ctx, outletAgent, chain.article.articleId)).article.brandId).toBeNull();
    await expect(updateArticle(ctx, hotelsAgent, chain.article.articleId, { title: 'Mine now' })).rejects.toMatchObject({ code: 'BRAND_NOT_ALLOWED' });
    // moving an article to another brand needs both brands
    const own = await createArticle(ctx, hotelsAgent, article());
    await expect(updateArticle(ctx, hotelsAgent, own.article.articleId, { brandId: 'bistro' })).rejects.toMatchObject({ code: 'BRAND_NOT_ALLOWED' });
    // a partner brand sees it (data sharing) but cannot edit it
    await expect(updateArticle(ctx, bistroAgent, own.article.articleId, { title: 'Theirs' })).rejects.toMatchObject({ code: 'BRAND_NOT_ALLOWED' });
  });

  it('hides articles of other tenants and of brands outside the scope (not found, before any version check)', async () => {
    const { ctx } = setup();
    const { article: view } = await createArticle(ctx, hotelsAgent, article());
    await expect(getArticle(ctx, outletAgent, view.articleId)).rejects.toMatchObject({ code: 'ARTICLE_NOT_FOUND' });
    await expect(getArticle(ctx, otherTenant, view.articleId)).rejects.toMatchObject({ code: 'ARTICLE_NOT_FOUND' });
    await expect(updateArticle(ctx, otherTenant, view.articleId, { title: 'x' }, 99)).rejects.toMatchObject({ code: 'ARTICLE_NOT_FOUND' });
    await expect(archiveArticle(ctx, outletAgent, view.articleId)).rejects.toMatchObject({ code: 'ARTICLE_NOT_FOUND' });
    await expect(getArticle(ctx, admin, 'nope')).rejects.toMatchObject({ code: 'ARTICLE_NOT_FOUND' });
  });

  it('pins the edited version (If-Match) and reports mismatches', async () => {
    const { ctx } = setup();
    const { article: view } = await createArticle(ctx, hotelsAgent, article());
    const edited = await updateArticle(ctx, hotelsAgent, view.articleId, { visibility: 'public' }, 0);
    expect(edited).toMatchObject({ version: 1, article: { visibility: 'public', updatedBy: 'user:ana' } });
    await expect(updateArticle(ctx, hotelsAgent, view.articleId, { title: 'Stale' }, 0)).rejects.toBeInstanceOf(WrongExpectedVersionError);
    // nothing changes: same version, no event
    expect((await updateArticle(ctx, hotelsAgent, view.articleId, { visibility: 'public' }, 1)).version).toBe(1);
  });

  it('archives and restores (repeats are no-ops)', async () => {
    const { ctx } = setup();
    const { article: view } = await createArticle(ctx, hotelsAgent, article());
    expect((await archiveArticle(ctx, hotelsAgent, view.articleId, 'outdated')).article.status).toBe('archived');
    expect((await archiveArticle(ctx, hotelsAgent, view.articleId)).version).toBe(1);
    await expect(updateArticle(ctx, hotelsAgent, view.articleId, { title: 'x' })).rejects.toMatchObject({ code: 'ARTICLE_ARCHIVED' });
    expect(await restoreArticle(ctx, hotelsAgent, view.articleId)).toMatchObject({ version: 2, article: { status: 'published' } });
  });

  describe('createArticleFromTicket', () => {
    const resolved: ResolvedTicket & { tenantId: string } = {
      tenantId: 'acme',
      ticketId: 't-1',
      brandId: 'hotels',
      subject: 'Noise from room 214,\n call +351 912 345 678',
      resolutionSummary: 'Moved the guest (ana@example.com) to a quieter floor and offered a late check-out.',
      category: 'Noise',
      status: 'resolved',
    };

    it('drafts an internal article from a resolved ticket, masking contact details and recording the source', async () => {
      const { ctx, tickets } = setup();
      tickets.set('t-1', resolved);
      const { article: view } = await createArticleFromTicket(ctx, hotelsAgent, 't-1');
      expect(view).toMatchObject({
        title: 'Noise from room 214, call [number removed]',
        body: 'Moved the guest ([email removed]) to a quieter floor and offered a late check-out.',
        tags: ['noise'],
        brandId: 'hotels',
        visibility: 'internal',
        language: 'en',
        sourceTicketId: 't-1',
      });
    });

    it('takes what the agent wrote as written', async () => {
      const { ctx, tickets } = setup();
      tickets.set('t-1', { ...resolved, status: 'closed', resolutionSummary: undefined, category: 'not a tag!' });
      await expect(createArticleFromTicket(ctx, hotelsAgent, 't-1')).rejects.toMatchObject({ code: 'INVALID_ARTICLE', problems: [expect.objectContaining({ field: 'body' })] });
      const { article: view } = await createArticleFromTicket(ctx, admin, 't-1', { title: 'Noise complaints', body: 'Offer a room change first.', brandId: null, visibility: 'public', language: 'en-GB' });
      expect(view).toMatchObject({ title: 'Noise complaints', body: 'Offer a room change first.', tags: [], brandId: null, visibility: 'public', language: 'en-GB', sourceTicketId: 't-1' });
    });

    it('refuses open, unknown, other tenants’ and out-of-scope tickets', async () => {
      const { ctx, tickets } = setup();
      tickets.set('t-1', { ...resolved, status: 'in-progress' });
      tickets.set('t-2', { ...resolved, ticketId: 't-2', tenantId: 'globex' });
      tickets.set('t-3', { ...resolved, ticketId: 't-3', brandId: 'outlet' });
      await expect(createArticleFromTicket(ctx, hotelsAgent, 't-1')).rejects.toMatchObject({ code: 'TICKET_NOT_RESOLVED' });
      await expect(createArticleFromTicket(ctx, hotelsAgent, 't-9')).rejects.toMatchObject({ code: 'TICKET_NOT_FOUND' });
      await expect(createArticleFromTicket(ctx, hotelsAgent, 't-2')).rejects.toMatchObject({ code: 'TICKET_NOT_FOUND' });
      await expect(createArticleFromTicket(ctx, hotelsAgent, 't-3')).rejects.toMatchObject({ code: 'TICKET_NOT_FOUND' });
    });

    it('shortens a long subject to one title line', async () => {
      const { ctx, tickets } = setup();
      tickets.set('t-1', { ...resolved, subject: 'word '.repeat(100) });
      const { article: view } = await createArticleFromTicket(ctx, hotelsAgent, 't-1');
      expect(view.title.length).toBe(200);
      expect(view.title.endsWith('…')).toBe(true);
    });
  });

  it('searches within the caller’s brands; the FAQ asks for public articles with bodies', async () => {
    const { ctx, searches } = setup();
    await searchArticles(ctx, hotelsAgent, { text: 'late', limit: 10 });
    await faq(ctx, hotelsAgent, { brandId: 'bistro', limit: 5 });
    expect(searches).toEqual([
      { tenantId: 'acme', query: { text: 'late', limit: 10, visibleBrands: hotelsAgent.visibleBrands } },
      { tenantId: 'acme', query: { brandId: 'bistro', limit: 5, visibility: 'public', withBody: true, visibleBrands: hotelsAgent.visibleBrands } },
    ]);
    await expect(faq(ctx, hotelsAgent, { brandId: 'outlet', limit: 5 })).rejects.toMatchObject({ code: 'BRAND_NOT_ALLOWED', field: 'query.brand' });
    await expect(searchArticles(ctx, hotelsAgent, { brandId: 'outlet', limit: 5 })).rejects.toMatchObject({ code: 'BRAND_NOT_ALLOWED' });
  });
});
