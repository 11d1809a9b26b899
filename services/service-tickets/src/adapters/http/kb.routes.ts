import { BrandNotAllowedError, DependencyUnavailableError, resolveViewerScope, UnknownBrandError, type TenantDirectoryCache } from '@hearth/customer-profile-client';
import { HttpError, route, type Actor, type Role, type RouteDefinition } from '@hearth/http';
import { currentTraceHeaders } from '@hearth/observability';
import { z } from 'zod';
import {
  archiveArticle,
  createArticle,
  createArticleFromTicket,
  faq,
  getArticle,
  KbError,
  restoreArticle,
  searchArticles,
  updateArticle,
  type KbCaller,
  type KbContext,
  type LoadedArticle,
} from '../../app/kb-use-cases';
import { ArticleError } from '../../domain/article.decider';
import {
  archiveArticleBodySchema,
  articleFromTicketBodySchema,
  articleIdSchema,
  articleViewSchema,
  createArticleBodySchema,
  faqPageSchema,
  faqQuerySchema,
  kbHeadersSchema,
  searchPageSchema,
  searchQuerySchema,
  updateArticleBodySchema,
} from './kb.schemas';

/** Staff who read and write the knowledge base. */
export const KB_STAFF_ROLES: readonly Role[] = ['agent', 'manager', 'admin'];
/** The FAQ is public content: a portal or an integration token is enough (staff may read it too). */
export const KB_FAQ_ROLES: readonly Role[] = ['integration', 'portal', ...KB_STAFF_ROLES];

export type KbRouteDeps = {
  ctx: KbContext;
  /** The tenant directory (brands, data sharing) behind a short cache: brand scoping of readers. */
  directory: TenantDirectoryCache;
};

const ARTICLE_STATUS: Record<ArticleError['code'], number> = {
  ARTICLE_NOT_FOUND: 404,
  ARTICLE_ALREADY_EXISTS: 409,
  ARTICLE_ARCHIVED: 409,
  INVALID_ARTICLE: 422,
};
const KB_STATUS: Record<KbError['code'], number> = { TICKET_NOT_FOUND: 404, TICKET_NOT_RESOLVED: 409, BRAND_NOT_ALLOWED: 403, INVALID_CURSOR: 400 };

/**
 * The knowledge base's errors as problems, so the module needs no `errorMappings` entries in the
 * service's app: domain and use-case codes, brand scoping, and customer-profile being unavailable.
 */
export function kbProblem(error: unknown): unknown {
  if (error instanceof ArticleError) {
    return new HttpError({
      status: ARTICLE_STATUS[error.code],
      code: error.code,
      detail: error.message,
      ...(error.problems.length > 0 ? { errors: error.problems.map((p) => ({ path: `body.${p.field}`, message: p.message, code: error.code })) } : {}),
      cause: error,
    });
  }
  if (error instanceof KbError) {
    return new HttpError({
      status: KB_STATUS[error.code],
      code: error.code,
      detail: error.message,
      ...(error.field ? { errors: [{ path: error.field, message: error.message, code: error.code }] } : {}),
      cause: error,
    });
  }
  if (error instanceof BrandNotAllowedError) return new HttpError({ status: 403, code: error.code, detail: error.message, cause: error });
  if (error instanceof UnknownBrandError) {
    return new HttpError({ status: 400, code: error.code, detail: error.message, errors: [{ path: error.field, message: error.message, code: error.code }], cause: error });
  }
  if (error instanceof DependencyUnavailableError) {
    return new HttpError({
      status: 503,
      code: error.code,
      detail: `${error.dependency} did not answer in time; retry shortly.`,
      headers: { 'Retry-After': '1' },
      extensions: { dependency: error.dependency },
      cause: error,
    });
  }
  return error;
}

function withKbProblems(definition: RouteDefinition): RouteDefinition {
  return {
    spec: definition.spec,
    handler: async (ctx) => {
      try {
        return await definition.handler(ctx);
      } catch (error) {
        throw kbProblem(error);
      }
    },
  };
}

/** The caller with its brand scope (`X-Brand-Id` narrows it to one brand and its data-sharing partners). */
async function callerOf(
  directory: TenantDirectoryCache,
  input: { actor: Actor; headers: { 'x-brand-id'?: string | undefined }; correlationId: string; requestId: string },
): Promise<KbCaller> {
  const { actor } = input;
  const { scope } = await resolveViewerScope(directory, { tenantId: actor.tenantId, brands: actor.brands }, input.headers['x-brand-id']);
  const traceparent = currentTraceHeaders().traceparent;
  return {
    tenantId: actor.tenantId,
    actor: `user:${actor.userId}`,
    brands: actor.brands,
    visibleBrands: scope.visibleBrands,
    correlationId: input.correlationId,
    causationId: input.requestId,
    ...(traceparent ? { traceparent } : {}),
  };
}

const articleBody = ({ article, version }: LoadedArticle) => ({ ...article, version });

const R = {
  article: { description: 'The article', body: articleViewSchema, headers: { ETag: 'Stream version of the article' } },
  notFound: { description: 'ARTICLE_NOT_FOUND (also for articles of brands outside your scope)' },
  forbidden: { description: 'ROLE_REQUIRED; BRAND_NOT_ALLOWED: the token does not grant the brand (chain-wide articles need a chain-wide token)' },
  invalid: { description: 'INVALID_ARTICLE (field errors)' },
  unavailable: { description: 'customer-profile (tenant directory, for brand scoping) did not answer: DEPENDENCY_UNAVAILABLE; retry' },
} as const;

/**
 * The knowledge-base API: articles (create, read, edit with If-Match, archive, restore, draft from a
 * resolved ticket), staff search and the public FAQ. Staff see internal and public articles of the
 * brands they may see plus chain-wide ones; the FAQ shows public articles only.
 */
export function kbRoutes({ ctx, directory }: KbRouteDeps): RouteDefinition[] {
  const params = z.object({ articleId: articleIdSchema });
  const tags = ['knowledge-base'];
  return [
    route(
      {
        method: 'post',
        path: '/v1/kb/articles',
        summary: 'Create a knowledge-base article',
        description: 'Published at once. `internal` articles are for staff; `public` ones are also in the FAQ. Idempotency-Key is honoured.',
        tags,
        roles: KB_STAFF_ROLES,
        headers: kbHeadersSchema,
        body: createArticleBodySchema,
        idempotency: 'optional',
        responses: {
          201: { description: 'Created', body: articleViewSchema, headers: { Location: 'The article', ETag: 'Stream version of the article' } },
          403: R.forbidden,
          422: R.invalid,
          503: R.unavailable,
        },
      },
      async ({ actor, headers, body, correlationId, requestId }) => {
        const caller = await callerOf(directory, { actor, headers, correlationId, requestId });
        const loaded = await createArticle(ctx, caller, body);
        return { status: 201, body: articleBody(loaded), version: loaded.version, location: `/v1/kb/articles/${loaded.article.articleId}` };
      },
    ),

    route(
      {
        method: 'post',
        path: '/v1/kb/articles\\:from-ticket',
        summary: 'Draft an article from a resolved ticket',
        description:
          'Pre-fills the title from the ticket subject and the body from its resolution summary (e-mail addresses and phone-like numbers masked), ' +
          "tags from its category and the brand from the ticket, records `sourceTicketId`, and creates the article as **internal** unless told otherwise. " +
          'The ticket text was written with a guest and may still hold personal details (names, room numbers, circumstances): the agent must review and edit ' +
          'the draft (PATCH) before making it public. Fields given in the request are used as written. Only resolved or closed tickets qualify.',
        tags,
        roles: KB_STAFF_ROLES,
        headers: kbHeadersSchema,
        body: articleFromTicketBodySchema,
        idempotency: 'optional',
        responses: {
          201: { description: 'Drafted', body: articleViewSchema, headers: { Location: 'The article', ETag: 'Stream version of the article' } },
          403: R.forbidden,
          404: { description: 'TICKET_NOT_FOUND (also for tickets of brands outside your scope)' },
          409: { description: 'TICKET_NOT_RESOLVED' },
          422: { description: 'INVALID_ARTICLE (e.g. body required: the ticket has no resolution summary)' },
          503: R.unavailable,
        },
      },
      async ({ actor, headers, body, correlationId, requestId }) => {
        const caller = await callerOf(directory, { actor, headers, correlationId, requestId });
        const { ticketId, ...overrides } = body;
        const loaded = await createArticleFromTicket(ctx, caller, ticketId, overrides);
        return { status: 201, body: articleBody(loaded), version: loaded.version, location: `/v1/kb/articles/${loaded.article.articleId}` };
      },
    ),

    route(
      {
        method: 'get',
        path: '/v1/kb/articles/:articleId',
        summary: 'Get an article',
        description: 'Archived articles are returned too (status archived), so they can be restored.',
        tags,
        roles: KB_STAFF_ROLES,
        headers: kbHeadersSchema,
        params,
        responses: { 200: R.article, 404: R.notFound, 503: R.unavailable },
      },
      async ({ actor, headers, params: p, correlationId, requestId }) => {
        const caller = await callerOf(directory, { actor, headers, correlationId, requestId });
        const loaded = await getArticle(ctx, caller, p.articleId);
        return { status: 200, body: articleBody(loaded), version: loaded.version };
      },
    ),

    route(
      {
        method: 'patch',
        path: '/v1/kb/articles/:articleId',
        summary: 'Edit an article',
        description: 'Any subset of the fields. If-Match (the ETag you edited) is required: 412 when the article changed meanwhile. Archived articles must be restored first (409 ARTICLE_ARCHIVED).',
        tags,
        roles: KB_STAFF_ROLES,
        headers: kbHeadersSchema,
        params,
        body: updateArticleBodySchema,
        ifMatch: 'required',
        responses: { 200: R.article, 403: R.forbidden, 404: R.notFound, 409: { description: 'ARTICLE_ARCHIVED' }, 422: R.invalid, 503: R.unavailable },
      },
      async ({ actor, headers, params: p, body, expectedVersion, correlationId, requestId }) => {
        const caller = await callerOf(directory, { actor, headers, correlationId, requestId });
        const changes = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
        const loaded = await updateArticle(ctx, caller, p.articleId, changes, expectedVersion);
        return { status: 200, body: articleBody(loaded), version: loaded.version };
      },
    ),

    route(
      {
        method: 'post',
        path: '/v1/kb/articles/:articleId/archive',
        summary: 'Archive an article',
        description: 'Search and the FAQ stop finding it; GET still shows it. Safe to repeat. If-Match optional.',
        tags,
        roles: KB_STAFF_ROLES,
        headers: kbHeadersSchema,
        params,
        body: archiveArticleBodySchema,
        ifMatch: 'optional',
        responses: { 200: R.article, 403: R.forbidden, 404: R.notFound, 422: R.invalid, 503: R.unavailable },
      },
      async ({ actor, headers, params: p, body, expectedVersion, correlationId, requestId }) => {
        const caller = await callerOf(directory, { actor, headers, correlationId, requestId });
        const loaded = await archiveArticle(ctx, caller, p.articleId, body?.reason, expectedVersion);
        return { status: 200, body: articleBody(loaded), version: loaded.version };
      },
    ),

    route(
      {
        method: 'post',
        path: '/v1/kb/articles/:articleId/restore',
        summary: 'Restore an archived article',
        description: 'Safe to repeat. If-Match optional.',
        tags,
        roles: KB_STAFF_ROLES,
        headers: kbHeadersSchema,
        params,
        ifMatch: 'optional',
        responses: { 200: R.article, 403: R.forbidden, 404: R.notFound, 503: R.unavailable },
      },
      async ({ actor, headers, params: p, expectedVersion, correlationId, requestId }) => {
        const caller = await callerOf(directory, { actor, headers, correlationId, requestId });
        const loaded = await restoreArticle(ctx, caller, p.articleId, expectedVersion);
        return { status: 200, body: articleBody(loaded), version: loaded.version };
      },
    ),

    route(
      {
        method: 'get',
        path: '/v1/kb/search',
        summary: 'Search the knowledge base (staff)',
        description:
          'Full-text search ranked by relevance (a title match outranks a tag match, which outranks a body match; ties: most recently changed first), ' +
          "over internal and public articles of the brands you may see plus chain-wide ones; archived articles are left out. English articles are stemmed " +
          "(refund finds refunds/refunded), other languages with their own dictionary. Search follows writes within moments (it reads a projection).",
        tags,
        roles: KB_STAFF_ROLES,
        headers: kbHeadersSchema,
        query: searchQuerySchema,
        responses: { 200: { description: 'A page of hits', body: searchPageSchema }, 403: { description: 'ROLE_REQUIRED; BRAND_NOT_ALLOWED (brand outside your scope)' }, 503: R.unavailable },
      },
      async ({ actor, headers, query, correlationId, requestId }) => {
        const caller = await callerOf(directory, { actor, headers, correlationId, requestId });
        const page = await searchArticles(ctx, caller, {
          limit: query.limit,
          ...(query.q !== undefined ? { text: query.q } : {}),
          ...(query.tags !== undefined ? { tags: query.tags } : {}),
          ...(query.visibility !== undefined ? { visibility: query.visibility } : {}),
          ...(query.brand !== undefined ? { brandId: query.brand } : {}),
          ...(query.language !== undefined ? { language: query.language } : {}),
          ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        });
        return { status: 200, body: page };
      },
    ),

    route(
      {
        method: 'get',
        path: '/v1/kb/faq',
        summary: 'The FAQ: public articles',
        description:
          'Public, published articles only, with their bodies; ranked like the search when q is given, newest first otherwise. ' +
          'An `integration` or `portal` token is enough. `brand` selects one brand’s FAQ (its articles and the chain-wide ones).',
        tags,
        roles: KB_FAQ_ROLES,
        headers: kbHeadersSchema,
        query: faqQuerySchema,
        responses: { 200: { description: 'A page of public articles', body: faqPageSchema }, 403: { description: 'ROLE_REQUIRED; BRAND_NOT_ALLOWED (brand outside your scope)' }, 503: R.unavailable },
      },
      async ({ actor, headers, query, correlationId, requestId }) => {
        const caller = await callerOf(directory, { actor, headers, correlationId, requestId });
        const page = await faq(ctx, caller, {
          limit: query.limit,
          ...(query.q !== undefined ? { text: query.q } : {}),
          ...(query.tags !== undefined ? { tags: query.tags } : {}),
          ...(query.brand !== undefined ? { brandId: query.brand } : {}),
          ...(query.language !== undefined ? { language: query.language } : {}),
          ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        });
        return { status: 200, body: { items: page.items.map((hit) => ({ ...hit, body: hit.body ?? hit.excerpt })), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
      },
    ),
  ].map(withKbProblems);
}
