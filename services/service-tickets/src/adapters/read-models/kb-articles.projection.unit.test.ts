import type { StoredEvent } from '@hearth/event-store';
import { nextKbArticleRow } from './kb-articles.projection';
import { searchConfigFor } from './kb-articles.schema';

const configs = new Set(['simple', 'english', 'german', 'portuguese']);
let position = 100;

function stored(type: string, data: Record<string, unknown>, streamVersion: number, streamName = 'article-a-1'): StoredEvent {
  position += 10;
  return {
    eventId: `e-${position}`,
    type,
    data: { articleId: 'a-1', by: 'user:ana', at: `2026-06-01T08:0${streamVersion}:00.000Z`, ...data },
    metadata: { tenantId: 'acme', actor: 'user:ana', correlationId: 'c', causationId: 'c', occurredAt: '2026-06-01T08:00:00.000Z', schemaVersion: 1 },
    streamName,
    streamVersion,
    globalPosition: position,
    recordedAt: '2026-06-01T08:00:00.000Z',
  };
}

const content = { title: 'Parking', body: 'Valet parking.', tags: ['parking'], brandId: 'hotels', visibility: 'internal', language: 'pt-BR' };

describe('kb_articles rows (projection fold)', () => {
  it('builds the row from the create and follows updates and archiving', () => {
    const created = stored('ArticleCreated', { ...content, sourceTicketId: 't-7' }, 0);
    const row = nextKbArticleRow(undefined, created, configs)!;
    expect(row).toEqual({
      articleId: 'a-1',
      tenantId: 'acme',
      ...content,
      status: 'published',
      sourceTicketId: 't-7',
      createdAt: '2026-06-01T08:00:00.000Z',
      createdBy: 'user:ana',
      updatedAt: '2026-06-01T08:00:00.000Z',
      updatedBy: 'user:ana',
      position: created.globalPosition,
      streamVersion: 0,
      searchConfig: 'portuguese',
    });
    const updated = nextKbArticleRow(row, stored('ArticleUpdated', { changes: { language: 'de', visibility: 'public' }, by: 'user:bo' }, 1), configs)!;
    expect(updated).toMatchObject({ language: 'de', visibility: 'public', searchConfig: 'german', streamVersion: 1, updatedBy: 'user:bo', createdBy: 'user:ana' });
    const archived = nextKbArticleRow(updated, stored('ArticleArchived', {}, 2), configs)!;
    expect(archived).toMatchObject({ status: 'archived', streamVersion: 2 });
  });

  it('skips replays, other categories, unknown types and events of articles never created', () => {
    const created = stored('ArticleCreated', content, 0);
    const row = nextKbArticleRow(undefined, created, configs)!;
    expect(nextKbArticleRow(row, created, configs)).toBeUndefined();
    expect(nextKbArticleRow(row, { ...stored('ArticleArchived', {}, 1), globalPosition: row.position }, configs)).toBeUndefined();
    expect(nextKbArticleRow(undefined, stored('TicketOpened', {}, 0, 'ticket-1'), configs)).toBeUndefined();
    expect(nextKbArticleRow(row, stored('ArticleTranslated', {}, 1), configs)).toBeUndefined();
    expect(nextKbArticleRow(undefined, stored('ArticleUpdated', { changes: { title: 'x' } }, 1), configs)).toBeUndefined();
  });
});

describe('searchConfigFor', () => {
  it('maps the primary language to a configuration the server has, else simple', () => {
    expect(searchConfigFor('en', configs)).toBe('english');
    expect(searchConfigFor('en-GB', configs)).toBe('english');
    expect(searchConfigFor('DE-ch', configs)).toBe('german');
    expect(searchConfigFor('fr', configs)).toBe('simple'); // the server lacks french
    expect(searchConfigFor('yo', configs)).toBe('simple'); // no dictionary for Yoruba
  });
});
