import { handleCommand, StreamNotFoundError, type CommandMetadata, type Decider, type EventStore, type HandleCommandOptions, type HandleCommandStateOptions } from '@hearth/event-store';
import { HEARTH_ATTRIBUTES, withSpan } from '@hearth/observability';
import { maskContactDetails, normalizeTags, TAG_PATTERN, ARTICLE_LIMITS } from '../domain/article-content';
import { articleDecider, ArticleError, type ArticleCommand, type ArticleState } from '../domain/article.decider';
import { articleStream, type ArticleContent, type ArticleEvent, type ArticleVisibility } from '../domain/article.events';
import { canSeeArticle, evolveArticleView, type ArticleView } from '../domain/article.view';

/** What the knowledge base needs to know about a ticket to draft an article from it. */
export type ResolvedTicket = {
  ticketId: string;
  brandId: string;
  /** Free text written with the guest: personal data, masked and left for the agent to review. */
  subject: string;
  resolutionSummary?: string;
  category?: string;
  /** The ticket's status; only `resolved` and `closed` tickets qualify. */
  status: string;
};

/**
 * Port to the ticket side (the ticket core implements it over `ticket-<id>` streams). Returns the
 * ticket whatever its status (the use case decides), or undefined when the tenant has no such ticket.
 */
export interface ResolvedTicketLookup {
  resolvedTicket(tenantId: string, ticketId: string): Promise<ResolvedTicket | undefined>;
}

/** One search hit (no full body unless asked: the FAQ shows it, staff search shows an excerpt). */
export type ArticleHit = {
  articleId: string;
  title: string;
  excerpt: string;
  body?: string;
  tags: string[];
  brandId: string | null;
  visibility: ArticleVisibility;
  language: string;
  updatedAt: string;
  /** The article's stream version when it was indexed. */
  version: number;
  /** Relevance (`ts_rank_cd`, title weighted over tags over body); 0 without a query. */
  score: number;
};

export type ArticleSearchQuery = {
  /** Web-search syntax (`"late check-out" -weekend`); absent: every article, newest change first. */
  text?: string;
  /** Articles carrying all of these tags. */
  tags?: readonly string[];
  visibility?: ArticleVisibility;
  /** Brands whose articles the reader may see ('all' for chain-wide readers); chain-wide articles always. */
  visibleBrands: ReadonlySet<string> | 'all';
  /** Only this brand's articles and chain-wide ones. */
  brandId?: string;
  /** BCP 47: `en` matches `en` and `en-GB`; `en-GB` only itself. */
  language?: string;
  cursor?: string;
  limit: number;
  withBody?: boolean;
};

export type ArticlePage = { items: ArticleHit[]; nextCursor?: string };

/** The read side of the knowledge base: published (not archived) articles, ranked, cursor-paged. */
export interface ArticleSearch {
  search(tenantId: string, query: ArticleSearchQuery): Promise<ArticlePage>;
}

export type KbContext = {
  store: EventStore;
  search: ArticleSearch;
  tickets: ResolvedTicketLookup;
  now: () => string;
  newId: () => string;
};

/** Who acts, on whose behalf, in which trace; and what the token lets them see and write. */
export type KbCaller = {
  tenantId: string;
  /** `user:<sub>`: stamped on events (`by`, metadata.actor). */
  actor: string;
  /** The token's brands: writing an article of a brand needs the brand; chain-wide articles need `'*'`. */
  brands: readonly string[] | '*';
  /** What the caller may read (own brands plus data-sharing partners, or 'all'). */
  visibleBrands: ReadonlySet<string> | 'all';
  correlationId: string;
  causationId?: string;
  traceparent?: string;
};

export type KbErrorCode = 'TICKET_NOT_FOUND' | 'TICKET_NOT_RESOLVED' | 'BRAND_NOT_ALLOWED' | 'INVALID_CURSOR';

/** Refusals of the use cases (beyond the decider's): 404, 409, 403, 400. `field` names the request field at fault. */
export class KbError extends Error {
  constructor(
    readonly code: KbErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'KbError';
  }
}

/** An article as read from its stream: the view and the stream version (ETag). */
export type LoadedArticle = { article: ArticleView; version: number };

export type NewArticle = ArticleContent & { sourceTicketId?: string };

const RESOLVED_STATUSES = ['resolved', 'closed'];

const notFound = (articleId: string) => new ArticleError('ARTICLE_NOT_FOUND', `article ${articleId} does not exist`);

/** Writing an article of `brandId` needs that brand in the token; a chain-wide article (null) needs a chain-wide token. */
function assertMayWrite(caller: KbCaller, brandId: string | null, field = 'body.brandId'): void {
  const allowed = caller.brands === '*' || (brandId !== null && caller.brands.includes(brandId));
  if (!allowed) {
    throw new KbError(
      'BRAND_NOT_ALLOWED',
      brandId === null ? 'chain-wide articles need a chain-wide token (brands "*")' : `the caller's token does not grant brand '${brandId}'`,
      field,
    );
  }
}

function metadataOf(caller: KbCaller, at: string, brandId: string | null): CommandMetadata {
  return {
    tenantId: caller.tenantId,
    occurredAt: at,
    actor: caller.actor,
    correlationId: caller.correlationId,
    causationId: caller.causationId ?? caller.correlationId,
    ...(brandId !== null ? { brandId } : {}),
    ...(caller.traceparent ? { traceparent: caller.traceparent } : {}),
  };
}

/** `handleCommand` in a span named after the command (conventions: spans for commands). */
function runCommand(
  ctx: Pick<KbContext, 'store'>,
  stream: string,
  command: ArticleCommand,
  options: HandleCommandOptions<ArticleEvent> & HandleCommandStateOptions<ArticleState>,
) {
  const decider: Decider<ArticleState, ArticleCommand, ArticleEvent> = articleDecider;
  return withSpan(`command ${command.type}`, { attributes: { [HEARTH_ATTRIBUTES.commandType]: command.type, [HEARTH_ATTRIBUTES.streamName]: stream } }, () =>
    handleCommand(ctx.store, decider, stream, command, options),
  );
}

/** Reads and folds the article; another tenant's article, or one outside the reader's brands, is "not found". */
export async function getArticle(ctx: Pick<KbContext, 'store'>, reader: Pick<KbCaller, 'tenantId' | 'visibleBrands'>, articleId: string): Promise<LoadedArticle> {
  let stored;
  try {
    stored = await ctx.store.readStream(articleStream(articleId));
  } catch (error) {
    if (error instanceof StreamNotFoundError) throw notFound(articleId);
    throw error;
  }
  let view: ArticleView | undefined;
  for (const e of stored) view = evolveArticleView(view, { type: e.type, data: e.data } as ArticleEvent);
  const first = stored[0];
  if (!view || !first || first.metadata.tenantId !== reader.tenantId || !canSeeArticle(view.brandId, reader.visibleBrands)) throw notFound(articleId);
  return { article: view, version: stored[stored.length - 1]!.streamVersion };
}

/**
 * Runs a command on an existing article after the access checks, which run on the state
 * `handleCommand` reads anyway (so "not found" comes before a version mismatch, with one read).
 */
async function runOnArticle(ctx: KbContext, caller: KbCaller, articleId: string, command: ArticleCommand, expectedVersion: number | undefined): Promise<LoadedArticle> {
  await runCommand(ctx, articleStream(articleId), command, {
    metadata: metadataOf(caller, command.at, null),
    assertState: (state: ArticleState, version) => {
      if (version === undefined || state.status === 'none' || state.tenantId !== caller.tenantId || !canSeeArticle(state.content.brandId, caller.visibleBrands)) {
        throw notFound(articleId);
      }
      assertMayWrite(caller, state.content.brandId, 'path.articleId');
    },
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
  });
  return getArticle(ctx, caller, articleId);
}

/** Creates an article (published at once; `internal` articles are for staff only). */
export async function createArticle(ctx: KbContext, caller: KbCaller, input: NewArticle): Promise<LoadedArticle> {
  assertMayWrite(caller, input.brandId);
  const articleId = ctx.newId();
  const at = ctx.now();
  await runCommand(ctx, articleStream(articleId), { type: 'CreateArticle', articleId, at, by: caller.actor, ...input }, {
    metadata: metadataOf(caller, at, input.brandId),
    expectedVersion: 'no_stream',
  });
  return getArticle(ctx, { tenantId: caller.tenantId, visibleBrands: 'all' }, articleId);
}

/** Changes some fields; `expectedVersion` (If-Match) pins the version the client edited (412 otherwise). */
export async function updateArticle(ctx: KbContext, caller: KbCaller, articleId: string, changes: Partial<ArticleContent>, expectedVersion?: number): Promise<LoadedArticle> {
  if (changes.brandId !== undefined) assertMayWrite(caller, changes.brandId);
  return runOnArticle(ctx, caller, articleId, { type: 'UpdateArticle', articleId, at: ctx.now(), by: caller.actor, changes }, expectedVersion);
}

/** Archives an article: search and the FAQ no longer find it; it can be restored. Repeats are no-ops. */
export async function archiveArticle(ctx: KbContext, caller: KbCaller, articleId: string, reason?: string, expectedVersion?: number): Promise<LoadedArticle> {
  return runOnArticle(ctx, caller, articleId, { type: 'ArchiveArticle', articleId, at: ctx.now(), by: caller.actor, ...(reason !== undefined ? { reason } : {}) }, expectedVersion);
}

/** Publishes an archived article again. Repeats are no-ops. */
export async function restoreArticle(ctx: KbContext, caller: KbCaller, articleId: string, expectedVersion?: number): Promise<LoadedArticle> {
  return runOnArticle(ctx, caller, articleId, { type: 'RestoreArticle', articleId, at: ctx.now(), by: caller.actor }, expectedVersion);
}

/** What the agent may set right away when drafting from a ticket; the rest is pre-filled. */
export type ArticleDraftOverrides = Partial<ArticleContent>;

/** One line, at most the title length: ticket subjects are free text. */
function titleFrom(subject: string): string {
  const line = subject.replace(/\s+/g, ' ').trim();
  return line.length <= ARTICLE_LIMITS.titleMax ? line : `${line.slice(0, ARTICLE_LIMITS.titleMax - 1).trimEnd()}…`;
}

/**
 * Drafts an article from a resolved (or closed) ticket: title from the subject, body from the
 * resolution summary (both with e-mail addresses and phone-like numbers masked), the ticket's
 * category as a tag, its brand, `internal` unless the agent says otherwise, and `sourceTicketId`.
 * The ticket's text was written with a guest and is personal data: the draft is for the agent to
 * review and edit before it is made public (the API says so); fields the agent supplies are taken
 * as written.
 */
export async function createArticleFromTicket(ctx: KbContext, caller: KbCaller, ticketId: string, overrides: ArticleDraftOverrides = {}): Promise<LoadedArticle> {
  const ticket = await ctx.tickets.resolvedTicket(caller.tenantId, ticketId);
  if (!ticket || !canSeeArticle(ticket.brandId, caller.visibleBrands)) throw new KbError('TICKET_NOT_FOUND', `ticket ${ticketId} does not exist`, 'body.ticketId');
  if (!RESOLVED_STATUSES.includes(ticket.status)) {
    throw new KbError('TICKET_NOT_RESOLVED', `ticket ${ticketId} is ${ticket.status}: only resolved or closed tickets can become articles`, 'body.ticketId');
  }
  const summary = ticket.resolutionSummary?.trim();
  const body = overrides.body ?? (summary ? maskContactDetails(summary) : undefined);
  if (body === undefined) {
    throw new ArticleError('INVALID_ARTICLE', `ticket ${ticketId} has no resolution summary: write the body`, [{ field: 'body', message: 'is required: the ticket has no resolution summary' }]);
  }
  const category = ticket.category ? normalizeTags([ticket.category])[0] : undefined;
  return createArticle(ctx, caller, {
    title: overrides.title ?? titleFrom(maskContactDetails(ticket.subject)),
    body,
    tags: overrides.tags ?? (category && TAG_PATTERN.test(category) && category.length <= ARTICLE_LIMITS.tagMax ? [category] : []),
    brandId: overrides.brandId !== undefined ? overrides.brandId : ticket.brandId,
    visibility: overrides.visibility ?? 'internal',
    language: overrides.language ?? 'en',
    sourceTicketId: ticket.ticketId,
  });
}

/** Staff search: internal and public articles of the brands the caller sees, plus chain-wide ones. */
export async function searchArticles(ctx: Pick<KbContext, 'search'>, reader: Pick<KbCaller, 'tenantId' | 'visibleBrands'>, query: Omit<ArticleSearchQuery, 'visibleBrands'>): Promise<ArticlePage> {
  assertMayFilterBrand(reader, query.brandId);
  return ctx.search.search(reader.tenantId, { ...query, visibleBrands: reader.visibleBrands });
}

/** The FAQ: public articles only, with their bodies. */
export async function faq(ctx: Pick<KbContext, 'search'>, reader: Pick<KbCaller, 'tenantId' | 'visibleBrands'>, query: Omit<ArticleSearchQuery, 'visibleBrands' | 'visibility' | 'withBody'>): Promise<ArticlePage> {
  assertMayFilterBrand(reader, query.brandId, 'query.brand');
  return ctx.search.search(reader.tenantId, { ...query, visibility: 'public', withBody: true, visibleBrands: reader.visibleBrands });
}

function assertMayFilterBrand(reader: Pick<KbCaller, 'visibleBrands'>, brandId: string | undefined, field = 'query.brand'): void {
  if (brandId !== undefined && reader.visibleBrands !== 'all' && !reader.visibleBrands.has(brandId)) {
    throw new KbError('BRAND_NOT_ALLOWED', `the caller may not see brand '${brandId}'`, field);
  }
}
