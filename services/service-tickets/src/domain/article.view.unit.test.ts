import { canonicalLanguage, maskContactDetails, normalizeTags } from './article-content';
import type { ArticleEvent } from './article.events';
import { canSeeArticle, evolveArticleView, type ArticleView } from './article.view';

const content = { title: 'Parking', body: 'Valet parking costs 20 EUR a night.', tags: ['parking'], brandId: 'hotels', visibility: 'public' as const, language: 'en' };
const created: ArticleEvent = { type: 'ArticleCreated', data: { articleId: 'a-1', at: '2026-05-04T08:00:00.000Z', by: 'user:ana', ...content, sourceTicketId: 't-1' } };
const fold = (events: ArticleEvent[]) => events.reduce<ArticleView | undefined>(evolveArticleView, undefined);

describe('article view', () => {
  it('follows create, update, archive and restore with who and when', () => {
    expect(fold([created])).toEqual({
      articleId: 'a-1',
      ...content,
      status: 'published',
      sourceTicketId: 't-1',
      createdAt: '2026-05-04T08:00:00.000Z',
      createdBy: 'user:ana',
      updatedAt: '2026-05-04T08:00:00.000Z',
      updatedBy: 'user:ana',
    });
    const later = fold([
      created,
      { type: 'ArticleUpdated', data: { articleId: 'a-1', at: '2026-05-05T08:00:00.000Z', by: 'user:bo', changes: { title: 'Valet parking', brandId: null } } },
      { type: 'ArticleArchived', data: { articleId: 'a-1', at: '2026-05-06T08:00:00.000Z', by: 'user:cy' } },
    ]);
    expect(later).toMatchObject({ title: 'Valet parking', brandId: null, status: 'archived', createdBy: 'user:ana', updatedAt: '2026-05-06T08:00:00.000Z', updatedBy: 'user:cy' });
    const restored = evolveArticleView(later, { type: 'ArticleRestored', data: { articleId: 'a-1', at: '2026-05-07T08:00:00.000Z', by: 'user:ana' } });
    expect(restored).toMatchObject({ status: 'published', updatedBy: 'user:ana' });
  });

  it('ignores events before the create and unknown types', () => {
    expect(fold([{ type: 'ArticleArchived', data: { articleId: 'a-1', at: '2026-05-06T08:00:00.000Z', by: 'user:cy' } }])).toBeUndefined();
    const view = fold([created]);
    expect(evolveArticleView(view, { type: 'ArticleTranslated', data: {} } as unknown as ArticleEvent)).toBe(view);
  });

  it('lets every reader see chain-wide articles and brand readers only theirs', () => {
    expect(canSeeArticle(null, new Set())).toBe(true);
    expect(canSeeArticle('hotels', 'all')).toBe(true);
    expect(canSeeArticle('hotels', new Set(['hotels', 'bistro']))).toBe(true);
    expect(canSeeArticle('outlet', new Set(['hotels', 'bistro']))).toBe(false);
  });
});

describe('article content helpers', () => {
  it('canonicalises language tags and refuses non-tags', () => {
    expect(canonicalLanguage('en')).toBe('en');
    expect(canonicalLanguage('pt-br')).toBe('pt-BR');
    expect(canonicalLanguage('english')).toBeUndefined();
    expect(canonicalLanguage('e')).toBeUndefined();
    expect(canonicalLanguage('en_GB')).toBeUndefined();
  });

  it('normalises tags', () => {
    expect(normalizeTags([' Spa ', 'spa', 'pool'])).toEqual(['spa', 'pool']);
  });

  it('masks e-mail addresses and phone-like numbers but keeps dates, times and prices', () => {
    expect(maskContactDetails('Call Ana on +351 912 345 678 or mail ana.silva@example.com about booking 88412345.')).toBe(
      'Call Ana on [number removed] or mail [email removed] about booking [number removed].',
    );
    expect(maskContactDetails('Refunded 45.50 EUR on 2026-05-04 at 14:30 for room 214.')).toBe('Refunded 45.50 EUR on 2026-05-04 at 14:30 for room 214.');
    expect(maskContactDetails('Seen 2026-05-04 14:30, called back 0044 20 7946 0958.')).toBe('Seen 2026-05-04 14:30, called back [number removed].');
  });
});
