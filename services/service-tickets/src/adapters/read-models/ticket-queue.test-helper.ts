/**
 * Test fixtures for the queue and metrics read models: stored `ticket-<id>` events with increasing
 * global positions, hand-built (`EventLog.append`) or produced by the real decider from commands
 * (`TicketDriver`), so sequences are the ones the domain can actually write.
 */
import type { StoredEvent } from '@hearth/event-store';
import { ticketDecider, type OpenTicket, type TicketCommand, type TicketState } from '../../domain/ticket.decider';
import type { TicketEvent } from '../../domain/ticket.events';

/** Monday 2 March 2026, 08:00 UTC: minute 0 of the fixtures. */
export const BASE_MS = Date.parse('2026-03-02T08:00:00.000Z');
/** The instant `minutes` after the base (negative: before). */
export const at = (minutes: number): string => new Date(BASE_MS + minutes * 60_000).toISOString();

/** A log of stored events across tickets and tenants, in global order. */
export class EventLog {
  private position = 0;
  readonly events: StoredEvent[] = [];

  append(tenantId: string, event: TicketEvent, streamVersion: number): StoredEvent {
    this.position += 10;
    const stored: StoredEvent = {
      eventId: `e-${this.position}`,
      type: event.type,
      data: event.data,
      metadata: { tenantId, actor: event.data.by, correlationId: 'c', causationId: 'c', occurredAt: event.data.at, schemaVersion: 1 },
      streamName: `ticket-${event.data.ticketId}`,
      streamVersion,
      globalPosition: this.position,
      recordedAt: event.data.at,
    };
    this.events.push(stored);
    return stored;
  }

  /** Events appended since `mark` (a previous `events.length`). */
  since(mark: number): StoredEvent[] {
    return this.events.slice(mark);
  }
}

type Data<T extends TicketCommand['type']> = Omit<Extract<TicketCommand, { type: T }>, 'type' | 'at' | 'by'>;

/** One ticket driven through the real decider; every produced event lands in the log. */
export class TicketDriver {
  state: TicketState = ticketDecider.initialState();
  private version = -1;

  constructor(
    readonly log: EventLog,
    readonly tenantId: string,
    readonly ticketId: string,
  ) {}

  /** Runs a command at minute `minute` (by `user:agent-1` unless given) and returns the stored events. */
  run<T extends TicketCommand['type']>(type: T, minute: number, data: Data<T>, by = 'user:agent-1'): StoredEvent[] {
    const command = { type, at: at(minute), by, ...data } as unknown as TicketCommand;
    const events = ticketDecider.decide(command, this.state);
    return events.map((event) => {
      this.state = ticketDecider.evolve(this.state, event);
      this.version += 1;
      return this.log.append(this.tenantId, event, this.version);
    });
  }

  /** Appends a hand-built event of this ticket (context fields filled in). */
  raw(event: { type: TicketEvent['type']; data: Record<string, unknown> }, minute: number): StoredEvent {
    const data = {
      ticketId: this.ticketId,
      brandId: this.state.brandId,
      ...(this.state.propertyId !== undefined ? { propertyId: this.state.propertyId } : {}),
      at: at(minute),
      by: 'service:sla',
      ...event.data,
    };
    const full = { type: event.type, data } as unknown as TicketEvent;
    this.state = ticketDecider.evolve(this.state, full);
    this.version += 1;
    return this.log.append(this.tenantId, full, this.version);
  }
}

export type OpenOptions = Partial<Omit<OpenTicket, 'type' | 'at' | 'by' | 'ticketId'>> & {
  /** SLA targets in minutes from the opening, calendar mode (due times computed here). */
  firstResponseMinutes?: number;
  resolutionMinutes?: number;
};

/** Opens a ticket at `minute` (brand `hotels`, property `lisbon-1`, queue `front-desk`, web inquiry, normal) and returns its driver. */
export function openTicket(log: EventLog, tenantId: string, ticketId: string, minute: number, options: OpenOptions = {}): TicketDriver {
  const { firstResponseMinutes, resolutionMinutes, ...rest } = options;
  const sla: NonNullable<OpenTicket['sla']> = {};
  if (firstResponseMinutes !== undefined) sla['first-response'] = { policyId: 'p-fr', mode: 'calendar', minutes: firstResponseMinutes, dueAt: at(minute + firstResponseMinutes) };
  if (resolutionMinutes !== undefined) sla.resolution = { policyId: 'p-res', mode: 'calendar', minutes: resolutionMinutes, dueAt: at(minute + resolutionMinutes) };
  const driver = new TicketDriver(log, tenantId, ticketId);
  driver.run('OpenTicket', minute, {
    ticketId,
    brandId: 'hotels',
    propertyId: 'lisbon-1',
    kind: 'inquiry',
    channel: 'web',
    priority: 'normal',
    queueId: 'front-desk',
    subject: 'Secret subject of Ana Silva',
    description: 'Personal description: room 312, phone +351 919 000 000',
    requester: { name: 'Ana Silva', email: 'ana@example.com' },
    ...(Object.keys(sla).length > 0 ? { sla } : {}),
    ...rest,
  });
  return driver;
}

/** Personal strings of the fixtures: none may appear in a read model. */
export const PERSONAL_TEXTS = ['Secret subject', 'Personal description', 'Ana Silva', 'ana@example.com'];
