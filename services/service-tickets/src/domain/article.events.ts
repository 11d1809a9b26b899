import type { DomainEvent } from '@hearth/event-store';

/** `internal`: staff only. `public`: also shown by the FAQ to guests (portal, integrations). */
export const ARTICLE_VISIBILITIES = ['internal', 'public'] as const;
export type ArticleVisibility = (typeof ARTICLE_VISIBILITIES)[number];
/** Archived articles stay readable by id (to restore them) but are no longer found by search or the FAQ. */
export const ARTICLE_STATUSES = ['published', 'archived'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

/** The editable content of a knowledge-base article. */
export type ArticleContent = {
  title: string;
  body: string;
  /** Lower-kebab codes, deduplicated, in the author's order. */
  tags: string[];
  /** The brand the article belongs to; `null`: chain-wide (every brand's staff sees it). */
  brandId: string | null;
  visibility: ArticleVisibility;
  /** BCP 47 tag in canonical case (`en`, `en-GB`, `pt-BR`); chooses the text-search dictionary. */
  language: string;
};

/** On every article event: which article, when (from the command) and who (from the command). */
export type ArticleEventBase = { articleId: string; at: string; by: string };

type ArticleEventOf<Type extends string, Data> = DomainEvent<Type, ArticleEventBase & Data>;

/**
 * Articles are not personal data (no crypto-shredding): an article drafted from a ticket is text the
 * agent reviewed and edited, with `sourceTicketId` as the only link back.
 */
export type ArticleCreated = ArticleEventOf<'ArticleCreated', ArticleContent & { sourceTicketId?: string }>;
/** Only the fields that changed. */
export type ArticleUpdated = ArticleEventOf<'ArticleUpdated', { changes: Partial<ArticleContent> }>;
export type ArticleArchived = ArticleEventOf<'ArticleArchived', { reason?: string }>;
export type ArticleRestored = ArticleEventOf<'ArticleRestored', Record<never, never>>;

export type ArticleEvent = ArticleCreated | ArticleUpdated | ArticleArchived | ArticleRestored;
export type ArticleEventType = ArticleEvent['type'];

/** Stream category of articles: `article-<articleId>`. */
export const ARTICLE_CATEGORY = 'article';
export const articleStream = (articleId: string): string => `${ARTICLE_CATEGORY}-${articleId}`;
