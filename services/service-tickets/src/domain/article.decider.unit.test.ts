import { deciderSpec } from '@hearth/testing';
import { articleDecider, type ArticleCommand, type ArticleState } from './article.decider';
import type { ArticleEvent } from './article.events';

const spec = deciderSpec(articleDecider);

const T0 = Date.parse('2026-05-04T08:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const base = (minute: number, by = 'user:ana') => ({ articleId: 'a-1', at: at(minute), by });

const content = {
  title: 'Late check-out',
  body: 'Guests may check out until 14:00 when the room is not booked that night.',
  tags: ['check-out', 'rooms'],
  brandId: 'hotels',
  visibility: 'internal' as const,
  language: 'en',
};

const create = (overrides: Partial<Extract<ArticleCommand, { type: 'CreateArticle' }>> = {}): ArticleCommand => ({ type: 'CreateArticle', ...base(0), ...content, ...overrides });
const update = (changes: Record<string, unknown>, minute = 5): ArticleCommand => ({ type: 'UpdateArticle', ...base(minute, 'user:bo'), changes });
const archive = (reason?: string, minute = 10): ArticleCommand => ({ type: 'ArchiveArticle', ...base(minute), ...(reason !== undefined ? { reason } : {}) });
const restore = (minute = 20): ArticleCommand => ({ type: 'RestoreArticle', ...base(minute) });

const created: ArticleEvent = { type: 'ArticleCreated', data: { ...base(0), ...content } };
const archived: ArticleEvent = { type: 'ArticleArchived', data: { ...base(10), reason: 'outdated' } };
const fold = (events: ArticleEvent[]): ArticleState => events.reduce(articleDecider.evolve, articleDecider.initialState());

describe('article decider', () => {
  describe('CreateArticle', () => {
    it('creates an article with normalised content', () => {
      spec
        .given([])
        .when(create({ title: '  Late check-out ', tags: ['Check-Out', 'rooms', 'check-out'], language: 'EN-gb', sourceTicketId: 't-9' }))
        .then([{ type: 'ArticleCreated', data: { ...base(0), ...content, language: 'en-GB', sourceTicketId: 't-9' } }]);
    });

    it('creates a chain-wide public article', () => {
      spec
        .given([])
        .when(create({ brandId: null, visibility: 'public' }))
        .then([{ type: 'ArticleCreated', data: { ...base(0), ...content, brandId: null, visibility: 'public' } }]);
    });

    it('treats the same create again as a repeat and different content under the same id as a conflict', () => {
      spec.given([created]).when(create()).thenNothingHappened();
      spec.given([created]).when(create({ title: 'Something else' })).thenThrows('ARTICLE_ALREADY_EXISTS');
      spec.given([created]).when(create({ sourceTicketId: 't-1' })).thenThrows('ARTICLE_ALREADY_EXISTS');
    });

    it.each([
      ['an empty title', { title: '   ' }],
      ['a multi-line title', { title: 'a\nb' }],
      ['a too long title', { title: 'x'.repeat(201) }],
      ['an empty body', { body: '' }],
      ['a control character in the body', { body: 'a\u0007b' }],
      ['a tag with spaces', { tags: ['late check-out'] }],
      ['21 tags', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }],
      ['a bad brand id', { brandId: 'no spaces' }],
      ['an unknown visibility', { visibility: 'secret' as never }],
      ['a language that is no tag', { language: 'english' }],
      ['a blank source ticket', { sourceTicketId: ' ' }],
    ])('refuses %s', (_name, overrides) => {
      spec.given([]).when(create(overrides)).thenThrows('INVALID_ARTICLE');
    });

    it('names every field at fault', () => {
      expect(() => articleDecider.decide(create({ title: '', tags: ['A B'] }), fold([]))).toThrow(
        expect.objectContaining({ code: 'INVALID_ARTICLE', problems: [expect.objectContaining({ field: 'title' }), expect.objectContaining({ field: 'tags' })] }),
      );
    });
  });

  describe('UpdateArticle', () => {
    it('records only the fields that changed', () => {
      spec
        .given([created])
        .when(update({ title: 'Late check-out', body: 'Until 13:00 on weekends.', visibility: 'public' }))
        .then([{ type: 'ArticleUpdated', data: { ...base(5, 'user:bo'), changes: { body: 'Until 13:00 on weekends.', visibility: 'public' } } }]);
    });

    it('moves an article to chain-wide and back to a brand', () => {
      spec.given([created]).when(update({ brandId: null })).then([{ type: 'ArticleUpdated', data: { ...base(5, 'user:bo'), changes: { brandId: null } } }]);
    });

    it('compares tags after normalising them', () => {
      spec.given([created]).when(update({ tags: ['CHECK-OUT', 'rooms'] })).thenNothingHappened();
      spec
        .given([created])
        .when(update({ tags: ['rooms', 'check-out'] }))
        .then([{ type: 'ArticleUpdated', data: { ...base(5, 'user:bo'), changes: { tags: ['rooms', 'check-out'] } } }]);
    });

    it('does nothing when nothing changes', () => {
      spec.given([created]).when(update({ title: ' Late check-out ', language: 'EN' })).thenNothingHappened();
      spec.given([created]).when(update({})).thenNothingHappened();
    });

    it('applies earlier updates before comparing', () => {
      const updated: ArticleEvent = { type: 'ArticleUpdated', data: { ...base(5, 'user:bo'), changes: { title: 'Checking out late' } } };
      spec.given([created, updated]).when(update({ title: 'Checking out late' }, 6)).thenNothingHappened();
      spec
        .given([created, updated])
        .when(update({ title: 'Late check-out' }, 6))
        .then([{ type: 'ArticleUpdated', data: { ...base(6, 'user:bo'), changes: { title: 'Late check-out' } } }]);
    });

    it('refuses unknown, archived and invalid articles', () => {
      spec.given([]).when(update({ title: 'x' })).thenThrows('ARTICLE_NOT_FOUND');
      spec.given([created, archived]).when(update({ title: 'x' })).thenThrows('ARTICLE_ARCHIVED');
      spec.given([created]).when(update({ body: ' ' })).thenThrows('INVALID_ARTICLE');
      spec.given([created]).when(update({ language: 'not a language' })).thenThrows('INVALID_ARTICLE');
    });
  });

  describe('ArchiveArticle and RestoreArticle', () => {
    it('archives once and restores once', () => {
      spec.given([created]).when(archive(' outdated ')).then([archived]);
      spec.given([created]).when(archive()).then([{ type: 'ArticleArchived', data: base(10) }]);
      spec.given([created, archived]).when(archive('again')).thenNothingHappened();
      spec.given([created, archived]).when(restore()).then([{ type: 'ArticleRestored', data: base(20) }]);
      spec.given([created]).when(restore()).thenNothingHappened();
    });

    it('refuses unknown articles and over-long reasons', () => {
      spec.given([]).when(archive()).thenThrows('ARTICLE_NOT_FOUND');
      spec.given([]).when(restore()).thenThrows('ARTICLE_NOT_FOUND');
      spec.given([created]).when(archive('x'.repeat(501))).thenThrows('INVALID_ARTICLE');
    });

    it('lets a restored article be edited again', () => {
      const restored: ArticleEvent = { type: 'ArticleRestored', data: base(20) };
      spec
        .given([created, archived, restored])
        .when(update({ title: 'Back' }, 30))
        .then([{ type: 'ArticleUpdated', data: { ...base(30, 'user:bo'), changes: { title: 'Back' } } }]);
    });
  });

  describe('evolve', () => {
    it('keeps the tenant from the metadata, the content and the status', () => {
      const state = fold([
        { ...created, metadata: { tenantId: 'acme' } as never },
        { type: 'ArticleUpdated', data: { ...base(5), changes: { visibility: 'public' } } },
        archived,
      ]);
      expect(state).toEqual({ status: 'archived', articleId: 'a-1', tenantId: 'acme', content: { ...content, visibility: 'public' } });
    });

    it('ignores unknown event types', () => {
      const state = fold([created]);
      expect(articleDecider.evolve(state, { type: 'ArticleTranslated', data: {} } as unknown as ArticleEvent)).toBe(state);
    });
  });
});
