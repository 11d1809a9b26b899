import { randomUUID } from 'node:crypto';
import type { TenantDirectoryCache } from '@hearth/customer-profile-client';
import type { EventStore } from '@hearth/event-store';
import type { RouteDefinition } from '@hearth/http';
import { PostgresDocumentStore, type ProjectionStatus } from '@hearth/read-models';
import type pg from 'pg';
import { kbRoutes } from '../adapters/http/kb.routes';
import { createKbArticlesProjection, KB_ARTICLES_PROJECTION, type KbArticlesProjection } from '../adapters/read-models/kb-articles.projection';
import { availableSearchConfigs, ensureKbArticlesSchema } from '../adapters/read-models/kb-articles.schema';
import { createKbArticleSearch } from '../adapters/read-models/kb-articles.search';
import type { KbContext, ResolvedTicketLookup } from '../app/kb-use-cases';

export type KnowledgeBaseOptions = {
  /** The service's event store (`article-<id>` streams are appended there). */
  store: EventStore;
  /** The service's pool: the search table lives in `schema`. */
  pool: pg.Pool;
  /** The service's PostgreSQL schema (e.g. `service_tickets`). */
  schema: string;
  /** Brand scoping of readers (`createTenantDirectoryCache(customerProfileClient)`). */
  directory: TenantDirectoryCache;
  /** Resolved tickets, for "create article from ticket" (implemented by the ticket core). */
  ticketLookup: ResolvedTicketLookup;
  /** The service's read-model store on the same pool and schema, when it has one (else one is opened). */
  documents?: PostgresDocumentStore;
  /** ISO 8601 clock (tests pin it). */
  now?: () => string;
  newId?: () => string;
  /** Projection failures (it retries them with back-off), for logs. Must not throw. */
  onProjectionError?: (error: unknown, context: { position: number | undefined; attempt: number }) => void;
};

export type KnowledgeBase = {
  /** Add to the service's `createApp({ routes })`; they need no `errorMappings` (errors arrive as problems). */
  routes: RouteDefinition[];
  /** The search projection. `start()` runs `ensureSchema()` first; call `stop()` on shutdown, before the pool ends. */
  projection: {
    start(): Promise<void>;
    stop(): Promise<void>;
    status(): ProjectionStatus;
    /** Resolves once every event up to this global position is searchable. */
    waitForPosition(position: number, options?: { timeoutMs?: number }): Promise<void>;
    /** Rebuilds the search table from zero (one transaction; readers see old or new). */
    rebuild(): Promise<{ events: number; position: number }>;
  };
  /** Creates the search table and indexes (idempotent, advisory-locked), so the routes can serve before the projection starts. */
  ensureSchema(): Promise<void>;
};

/**
 * The knowledge base of service-tickets as one module: articles in `article-<id>` streams, a
 * PostgreSQL full-text read model (`<schema>.kb_articles`) kept by a checkpointed projection, and the
 * `/v1/kb/…` routes. See `src/adapters/http/README-kb.md`.
 */
export function createKnowledgeBase(options: KnowledgeBaseOptions): KnowledgeBase {
  const { store, pool, schema } = options;
  const ctx: KbContext = {
    store,
    search: createKbArticleSearch(pool, schema),
    tickets: options.ticketLookup,
    now: options.now ?? (() => new Date().toISOString()),
    newId: options.newId ?? randomUUID,
  };

  let ready: Promise<{ documents: PostgresDocumentStore; ownsDocuments: boolean; configs: ReadonlySet<string> }> | undefined;
  const prepare = () => {
    ready ??= (async () => {
      await ensureKbArticlesSchema(pool, schema);
      const configs = await availableSearchConfigs(pool);
      const documents = options.documents ?? (await PostgresDocumentStore.connect({ pool, schema }));
      return { documents, ownsDocuments: !options.documents, configs };
    })();
    ready.catch(() => (ready = undefined)); // a failed start can be retried
    return ready;
  };

  let projection: KbArticlesProjection | undefined;
  const runningProjection = async () => {
    if (!projection) {
      const { documents, configs } = await prepare();
      projection ??= createKbArticlesProjection({ events: store, documents, schema, configs, ...(options.onProjectionError ? { onError: options.onProjectionError } : {}) });
    }
    return projection;
  };

  return {
    routes: kbRoutes({ ctx, directory: options.directory }),
    async ensureSchema() {
      await prepare();
    },
    projection: {
      async start() {
        await (await runningProjection()).start();
      },
      async stop() {
        await projection?.stop();
        // a store opened here is only a view on the caller's pool: closing it never ends that pool
        if (ready) {
          const { documents, ownsDocuments } = await ready;
          if (ownsDocuments) {
            await documents.close();
            ready = undefined;
            projection = undefined;
          }
        }
      },
      status() {
        return (
          projection?.status() ?? {
            name: KB_ARTICLES_PROJECTION,
            state: 'stopped',
            position: undefined,
            lastEventAt: undefined,
            lagSeconds: 0,
            backlog: undefined,
            eventsApplied: 0,
            lastError: undefined,
            rebuild: undefined,
          }
        );
      },
      async waitForPosition(position, waitOptions) {
        await (await runningProjection()).waitForPosition(position, waitOptions);
      },
      async rebuild() {
        return (await runningProjection()).rebuild();
      },
    },
  };
}
