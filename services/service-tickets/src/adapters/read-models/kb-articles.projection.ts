import type { EventStore, StoredEvent } from '@hearth/event-store';
import { CheckpointConflictError, createProjectionRunner, eventStoreSource, type PostgresDocumentStore, type ProjectionRunner, type ProjectionStatus } from '@hearth/read-models';
import type pg from 'pg';
import { ARTICLE_CATEGORY, type ArticleEvent } from '../../domain/article.events';
import { evolveArticleView, type ArticleView } from '../../domain/article.view';
import { kbArticlesTable, kbSearchConfigsTable, searchConfigFor } from './kb-articles.schema';

/** Checkpoint name of the projection (also its metric and span label). */
export const KB_ARTICLES_PROJECTION = 'service-tickets--kb-articles';

/** One row of `kb_articles`: the article as readers see it, where it came from, and how it is indexed. */
export type KbArticleRow = ArticleView & {
  tenantId: string;
  /** Global position of the last event applied: a replayed event at or below it is skipped. */
  position: number;
  /** The article stream's version (the ETag of `GET /v1/kb/articles/:id`). */
  streamVersion: number;
  searchConfig: string;
};

const PREFIX = `${ARTICLE_CATEGORY}-`;

/**
 * The row after one stored event (pure): the article view's fold plus position, stream version and the
 * search configuration of its language. `undefined` when the event changes nothing here: another
 * category, an event already applied, or an event of an article never created.
 */
export function nextKbArticleRow(current: KbArticleRow | undefined, event: StoredEvent, configs: ReadonlySet<string>): KbArticleRow | undefined {
  if (!event.streamName.startsWith(PREFIX)) return undefined;
  if (current && current.position >= event.globalPosition) return undefined;
  const view = evolveArticleView(current, { type: event.type, data: event.data } as ArticleEvent);
  if (!view || view === current) return undefined;
  return {
    ...view,
    tenantId: event.metadata.tenantId,
    position: event.globalPosition,
    streamVersion: event.streamVersion,
    searchConfig: searchConfigFor(view.language, configs),
  };
}

type RowRecord = {
  tenant_id: string;
  article_id: string;
  position: string;
  stream_version: number;
  status: 'published' | 'archived';
  brand_id: string | null;
  visibility: 'internal' | 'public';
  language: string;
  search_config: string;
  title: string;
  body: string;
  tags: string[];
  source_ticket_id: string | null;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
};

function rowOf(r: RowRecord): KbArticleRow {
  return {
    tenantId: r.tenant_id,
    articleId: r.article_id,
    position: Number(r.position),
    streamVersion: r.stream_version,
    status: r.status,
    brandId: r.brand_id,
    visibility: r.visibility,
    language: r.language,
    searchConfig: r.search_config,
    title: r.title,
    body: r.body,
    tags: r.tags,
    ...(r.source_ticket_id !== null ? { sourceTicketId: r.source_ticket_id } : {}),
    createdAt: r.created_at.toISOString(),
    createdBy: r.created_by,
    updatedAt: r.updated_at.toISOString(),
    updatedBy: r.updated_by,
  };
}

const COLUMNS =
  'tenant_id, article_id, position, stream_version, status, brand_id, visibility, language, search_config, title, body, tags, source_ticket_id, created_at, created_by, updated_at, updated_by';

/** Applies one stored event with `client` (inside the runner's transaction, or a rebuild's). */
export async function applyKbArticleEvent(client: pg.ClientBase, schema: string, configs: ReadonlySet<string>, event: StoredEvent): Promise<boolean> {
  if (!event.streamName.startsWith(PREFIX)) return false;
  const t = kbArticlesTable(schema);
  const articleId = event.streamName.slice(PREFIX.length);
  const tenantId = event.metadata.tenantId;
  let current: KbArticleRow | undefined;
  if (event.type !== 'ArticleCreated') {
    const { rows } = await client.query<RowRecord>(`SELECT ${COLUMNS} FROM ${t} WHERE tenant_id = $1 AND article_id = $2`, [tenantId, articleId]);
    current = rows[0] ? rowOf(rows[0]) : undefined;
  }
  const next = nextKbArticleRow(current, event, configs);
  if (!next) return false;
  // The weighted document is built here, in SQL, with the row's own configuration; the WHERE keeps a
  // replayed (older) event from overwriting a newer row.
  const result = await client.query(
    `INSERT INTO ${t} AS s (${COLUMNS}, search)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text, $10::text, $11::text, $12::text[], $13, $14, $15, $16, $17,
       setweight(to_tsvector($9::text::regconfig, $10::text), 'A') ||
       setweight(to_tsvector($9::text::regconfig, array_to_string($12::text[], ' ')), 'B') ||
       setweight(to_tsvector($9::text::regconfig, $11::text), 'C'))
     ON CONFLICT (tenant_id, article_id) DO UPDATE SET
       position = excluded.position, stream_version = excluded.stream_version, status = excluded.status,
       brand_id = excluded.brand_id, visibility = excluded.visibility, language = excluded.language,
       search_config = excluded.search_config, title = excluded.title, body = excluded.body, tags = excluded.tags,
       source_ticket_id = excluded.source_ticket_id, created_at = excluded.created_at, created_by = excluded.created_by,
       updated_at = excluded.updated_at, updated_by = excluded.updated_by, search = excluded.search
     WHERE s.position < excluded.position`,
    [
      next.tenantId,
      next.articleId,
      next.position,
      next.streamVersion,
      next.status,
      next.brandId,
      next.visibility,
      next.language,
      next.searchConfig,
      next.title,
      next.body,
      next.tags,
      next.sourceTicketId ?? null,
      next.createdAt,
      next.createdBy,
      next.updatedAt,
      next.updatedBy,
    ],
  );
  if (result.rowCount === 1) {
    await client.query(`INSERT INTO ${kbSearchConfigsTable(schema)} (tenant_id, search_config) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [next.tenantId, next.searchConfig]);
  }
  return result.rowCount === 1;
}

/** Reads one row (tests and tools; the API reads articles from their streams and searches with SQL). */
export async function loadKbArticleRow(pool: pg.Pool, schema: string, tenantId: string, articleId: string): Promise<KbArticleRow | undefined> {
  const { rows } = await pool.query<RowRecord>(`SELECT ${COLUMNS} FROM ${kbArticlesTable(schema)} WHERE tenant_id = $1 AND article_id = $2`, [tenantId, articleId]);
  return rows[0] ? rowOf(rows[0]) : undefined;
}

export type KbArticlesProjection = {
  /** Catch up from the checkpoint, then follow new article events (in the background). */
  start(): Promise<void>;
  /** Stops after the batch in flight; the checkpoint keeps the position. */
  stop(): Promise<void>;
  status(): ProjectionStatus;
  /** Resolves once every event up to this global position is applied. */
  waitForPosition(position: number, options?: { timeoutMs?: number }): Promise<void>;
  /**
   * Rebuilds `kb_articles` from zero in ONE transaction: delete every row, replay every article event,
   * move the checkpoint. Readers see the old table until the commit and the new one after (never a
   * mix). The live runner of this process is stopped meanwhile; one of another instance racing it
   * loses the checkpoint compare-and-set and catches up from the new position.
   */
  rebuild(): Promise<{ events: number; position: number }>;
};

export type KbArticlesProjectionOptions = {
  /** The service's event store (article events carry no personal data: the raw or the decrypting store both do). */
  events: EventStore;
  /** The service's read-model store: its transactions and checkpoints are reused (`sqlClientOf`). */
  documents: PostgresDocumentStore;
  schema: string;
  /** Text search configurations this server has (`availableSearchConfigs`). */
  configs: ReadonlySet<string>;
  onError?: (error: unknown, context: { position: number | undefined; attempt: number }) => void;
  maxBatchSize?: number;
};

/**
 * The knowledge-base search table, kept by the read-models projection runner: its batching, retries,
 * lag metrics and checkpoint (in `read_model_checkpoints`, saved in the same transaction as the rows)
 * are reused; only the writes are this module's SQL, because the DocumentStore port has no full-text
 * search. The runner's own `rebuild()` swaps document collections, not tables like this one, so the
 * rebuild here is a single transaction (fine at knowledge-base sizes: thousands of articles).
 */
export function createKbArticlesProjection(options: KbArticlesProjectionOptions): KbArticlesProjection {
  const { events, documents, schema, configs } = options;
  const source = eventStoreSource(events, { categories: [ARTICLE_CATEGORY] });
  const runner: ProjectionRunner = createProjectionRunner<StoredEvent>({
    name: KB_ARTICLES_PROJECTION,
    source,
    store: documents,
    project: async (event, session) => {
      await applyKbArticleEvent(documents.sqlClientOf(session), schema, configs, event);
    },
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.maxBatchSize ? { maxBatchSize: options.maxBatchSize } : {}),
  });
  let running = false;

  return {
    async start() {
      running = true;
      await runner.start();
    },
    async stop() {
      running = false;
      await runner.stop();
    },
    status: () => runner.status(),
    waitForPosition: (position, waitOptions) => runner.waitForPosition(position, waitOptions),
    async rebuild() {
      const resume = running;
      if (resume) await runner.stop();
      try {
        // another instance's batch may move the checkpoint meanwhile: then this transaction rolls back; try again
        for (let attempt = 1; ; attempt++) {
          try {
            return await rebuildOnce();
          } catch (error) {
            if (!(error instanceof CheckpointConflictError) || attempt >= 3) throw error;
          }
        }
      } finally {
        if (resume) await runner.start();
      }
    },
  };

  function rebuildOnce(): Promise<{ events: number; position: number }> {
    return documents.transaction(async (session) => {
      const client = documents.sqlClientOf(session);
      const live = await documents.checkpoints.load(KB_ARTICLES_PROJECTION);
      await client.query(`DELETE FROM ${kbArticlesTable(schema)}`);
      await client.query(`DELETE FROM ${kbSearchConfigsTable(schema)}`);
      let position = 0;
      let count = 0;
      for (;;) {
        const page = await source.read!(position, 500);
        if (page.length === 0) break;
        for (const item of page) await applyKbArticleEvent(client, schema, configs, item.event);
        position = page[page.length - 1]!.position;
        count += page.length;
      }
      if (position > 0 || live) await documents.checkpoints.save(KB_ARTICLES_PROJECTION, position, { expected: live?.position, session });
      return { events: count, position };
    });
  }
}
