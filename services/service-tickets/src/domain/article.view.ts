import type { ArticleContent, ArticleEvent, ArticleStatus } from './article.events';

/**
 * What readers see of an article: the content plus who created and last changed it and when. The
 * same fold serves `GET /v1/kb/articles/:id` (from the stream) and the search read model (row by row).
 */
export type ArticleView = ArticleContent & {
  articleId: string;
  status: ArticleStatus;
  sourceTicketId?: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
};

/** Applies one event; `undefined` until the article is created (events before a create are ignored). */
export function evolveArticleView(view: ArticleView | undefined, event: ArticleEvent): ArticleView | undefined {
  if (event.type === 'ArticleCreated') {
    const { articleId, at, by, sourceTicketId, title, body, tags, brandId, visibility, language } = event.data;
    return {
      articleId,
      title,
      body,
      tags,
      brandId,
      visibility,
      language,
      status: 'published',
      ...(sourceTicketId !== undefined ? { sourceTicketId } : {}),
      createdAt: at,
      createdBy: by,
      updatedAt: at,
      updatedBy: by,
    };
  }
  if (!view) return undefined;
  const touched = { updatedAt: event.data.at, updatedBy: event.data.by };
  switch (event.type) {
    case 'ArticleUpdated':
      return { ...view, ...event.data.changes, ...touched };
    case 'ArticleArchived':
      return { ...view, status: 'archived', ...touched };
    case 'ArticleRestored':
      return { ...view, status: 'published', ...touched };
    default:
      return view;
  }
}

/** Whether a reader who may see `visibleBrands` sees an article of `brandId` (chain-wide articles: everyone). */
export function canSeeArticle(brandId: string | null, visibleBrands: ReadonlySet<string> | 'all'): boolean {
  return brandId === null || visibleBrands === 'all' || visibleBrands.has(brandId);
}
