import type { Decider } from '@hearth/event-store';
import { ARTICLE_LIMITS, normalizeContent, type ContentProblem } from './article-content';
import type { ArticleContent, ArticleEvent, ArticleStatus } from './article.events';

/** Every command names when it happens and who does it (the adapter takes them from the clock and the token). */
type CommandOf<Type extends string, Data = Record<never, never>> = { type: Type; articleId: string; at: string; by: string } & Data;

export type CreateArticle = CommandOf<'CreateArticle', ArticleContent & { sourceTicketId?: string }>;
/** Any subset of the content; fields equal to the current ones are not recorded. */
export type UpdateArticle = CommandOf<'UpdateArticle', { changes: Partial<ArticleContent> }>;
export type ArchiveArticle = CommandOf<'ArchiveArticle', { reason?: string }>;
export type RestoreArticle = CommandOf<'RestoreArticle'>;

export type ArticleCommand = CreateArticle | UpdateArticle | ArchiveArticle | RestoreArticle;
export type ArticleCommandType = ArticleCommand['type'];

export type ArticleErrorCode = 'ARTICLE_NOT_FOUND' | 'ARTICLE_ALREADY_EXISTS' | 'ARTICLE_ARCHIVED' | 'INVALID_ARTICLE';

/** A command the article refuses. HTTP: ARTICLE_NOT_FOUND 404, INVALID_ARTICLE 422, the others 409. */
export class ArticleError extends Error {
  constructor(
    readonly code: ArticleErrorCode,
    message: string,
    /** For INVALID_ARTICLE: the fields at fault. */
    readonly problems: readonly ContentProblem[] = [],
  ) {
    super(message);
    this.name = 'ArticleError';
  }
}

export type ArticleState = {
  status: 'none' | ArticleStatus;
  articleId: string;
  /** From the stored events' metadata: the use cases refuse other tenants' articles (as not found). */
  tenantId?: string;
  /** The current content: updates record only what differs, and a repeated create is recognised. */
  content: ArticleContent;
  sourceTicketId?: string;
};

const EMPTY: ArticleContent = { title: '', body: '', tags: [], brandId: null, visibility: 'internal', language: 'en' };

function initialState(): ArticleState {
  return { status: 'none', articleId: '', content: EMPTY };
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function invalid(problems: readonly ContentProblem[]): ArticleError {
  return new ArticleError('INVALID_ARTICLE', `invalid article: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, problems);
}

function requireExisting(state: ArticleState, command: ArticleCommand): void {
  if (state.status === 'none') throw new ArticleError('ARTICLE_NOT_FOUND', `article ${command.articleId} does not exist`);
}

function decide(command: ArticleCommand, state: ArticleState): ArticleEvent[] {
  const base = { articleId: command.articleId, at: command.at, by: command.by };
  switch (command.type) {
    case 'CreateArticle': {
      const { type: _t, articleId: _a, at: _at, by: _by, sourceTicketId, ...given } = command;
      const { content, problems } = normalizeContent(given);
      if (sourceTicketId !== undefined && (sourceTicketId.trim() === '' || sourceTicketId.length > 100)) problems.push({ field: 'sourceTicketId', message: 'must be 1 to 100 characters' });
      if (problems.length > 0) throw invalid(problems);
      const created = content as ArticleContent;
      if (state.status !== 'none') {
        // the same create again (a client retry): nothing new; different content under the same id: a conflict
        if (sameValue(state.content, created) && state.sourceTicketId === sourceTicketId) return [];
        throw new ArticleError('ARTICLE_ALREADY_EXISTS', `article ${command.articleId} already exists`);
      }
      return [{ type: 'ArticleCreated', data: { ...base, ...created, ...(sourceTicketId !== undefined ? { sourceTicketId } : {}) } }];
    }
    case 'UpdateArticle': {
      requireExisting(state, command);
      const { content, problems } = normalizeContent(command.changes);
      if (problems.length > 0) throw invalid(problems);
      if (state.status === 'archived') throw new ArticleError('ARTICLE_ARCHIVED', `article ${command.articleId} is archived: restore it to edit it`);
      const changes: Partial<ArticleContent> = {};
      for (const [field, value] of Object.entries(content) as [keyof ArticleContent, unknown][]) {
        if (!sameValue(state.content[field], value)) (changes as Record<string, unknown>)[field] = value;
      }
      if (Object.keys(changes).length === 0) return [];
      return [{ type: 'ArticleUpdated', data: { ...base, changes } }];
    }
    case 'ArchiveArticle': {
      requireExisting(state, command);
      const reason = command.reason?.trim();
      if (reason !== undefined && reason.length > ARTICLE_LIMITS.reasonMax) throw invalid([{ field: 'reason', message: `at most ${ARTICLE_LIMITS.reasonMax} characters` }]);
      if (state.status === 'archived') return [];
      return [{ type: 'ArticleArchived', data: { ...base, ...(reason ? { reason } : {}) } }];
    }
    case 'RestoreArticle': {
      requireExisting(state, command);
      if (state.status === 'published') return [];
      return [{ type: 'ArticleRestored', data: base }];
    }
  }
}

function evolve(state: ArticleState, event: ArticleEvent): ArticleState {
  switch (event.type) {
    case 'ArticleCreated': {
      const { articleId, at: _at, by: _by, sourceTicketId, ...content } = event.data;
      return {
        status: 'published',
        articleId,
        ...(event.metadata?.tenantId ? { tenantId: event.metadata.tenantId } : {}),
        content,
        ...(sourceTicketId !== undefined ? { sourceTicketId } : {}),
      };
    }
    case 'ArticleUpdated':
      return { ...state, content: { ...state.content, ...event.data.changes } };
    case 'ArticleArchived':
      return { ...state, status: 'archived' };
    case 'ArticleRestored':
      return { ...state, status: 'published' };
    default:
      return state; // unknown (newer) event types: forward compatible
  }
}

/**
 * A knowledge-base article (`article-<id>` streams): create, update (only what changed), archive and
 * restore. Repeats return `[]`; an archived article must be restored before it is edited.
 */
export const articleDecider: Decider<ArticleState, ArticleCommand, ArticleEvent> = { decide, evolve, initialState };
