/**
 * PostgreSQL set-up shared by the read models' integration tests: a schema of their own, the raw event
 * store the projection reads, the crypto-shredding store the service writes through, the document store
 * and the projection under test (started before each test, stopped and dropped after it).
 */
import { CryptoShreddingEventStore, handleCommand, MasterKey, PostgresEventStore, PostgresSubjectKeyStore } from '@hearth/event-store';
import { PostgresDocumentStore, type ProjectionRunner } from '@hearth/read-models';
import { dropSchema, testDatabaseUrl, uniqueName } from '@hearth/testing';
import pg from 'pg';
import { ticketDecider, type TicketCommand } from '../../domain/ticket.decider';
import { TICKET_PERSONAL_DATA } from '../../domain/ticket.events';

export type TicketReadModelDb = {
  pool: pg.Pool;
  schema: string;
  /** The raw store (what the projection reads). */
  events: PostgresEventStore;
  readModels: PostgresDocumentStore;
  runner: ProjectionRunner;
  /** A command on `ticket-<ticketId>` through the decider and the crypto-shredding store, as the service writes. */
  send(ticketId: string, command: TicketCommand, tenantId?: string): ReturnType<typeof handleCommand>;
};

export function usePostgresTicketReadModels(options: {
  schemaPrefix: string;
  tenantId: string;
  projection: (events: PostgresEventStore, store: PostgresDocumentStore) => ProjectionRunner;
}): TicketReadModelDb {
  let writer: CryptoShreddingEventStore;
  const db = {
    send: (ticketId: string, command: TicketCommand, tenantId = options.tenantId) =>
      handleCommand(writer, ticketDecider, `ticket-${ticketId}`, command, {
        metadata: { tenantId, actor: command.by, correlationId: `corr-${ticketId}`, causationId: `cmd-${ticketId}` },
      }),
  } as TicketReadModelDb;

  beforeEach(async () => {
    db.schema = uniqueName(options.schemaPrefix);
    db.pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
    db.events = await PostgresEventStore.connect({ pool: db.pool, schema: db.schema });
    const keys = await PostgresSubjectKeyStore.connect({ pool: db.pool, schema: db.schema, masterKey: MasterKey.generate('int') });
    writer = new CryptoShreddingEventStore(db.events, { keys, personalData: TICKET_PERSONAL_DATA });
    db.readModels = await PostgresDocumentStore.connect({ pool: db.pool, schema: db.schema });
    db.runner = options.projection(db.events, db.readModels);
    await db.runner.start();
  });

  afterEach(async () => {
    await db.runner.stop();
    await db.events.close();
    await db.readModels.close();
    await dropSchema(db.pool, db.schema);
    await db.pool.end();
  });

  return db;
}
