import { z } from 'zod';
import { parseWith, safeParseWith, type ContractParseResult } from './validation';

/** A lower-kebab name segment: a letter, then letters/digits, words joined by single hyphens. */
const KEBAB = '[a-z][a-z0-9]*(?:-[a-z0-9]+)*';

/** `hearth.<service>.<event>`, every segment lower-kebab: `hearth.customer-profile.guest-registered`. */
export const EVENT_TYPE_PATTERN: RegExp = new RegExp(`^hearth\\.${KEBAB}\\.${KEBAB}$`);

/** A producing service name, lower-kebab: `customer-profile`. */
export const SERVICE_NAME_PATTERN: RegExp = new RegExp(`^${KEBAB}$`);

/** `<type>.v<N>`: the NATS subject of one contract version. */
export const SUBJECT_PATTERN: RegExp = new RegExp(`^(hearth\\.${KEBAB}\\.${KEBAB})\\.v([1-9][0-9]*)$`);

/**
 * The integration-event envelope every Hearth service publishes on NATS.
 * `type`, `version` and `data` are narrowed per contract by `defineEvent`.
 */
export type IntegrationEvent<TType extends string = string, TVersion extends number = number, TData = unknown> = {
  /** Unique id of this message (UUID). Also the NATS message id (`Nats-Msg-Id`), so consumers and JetStream dedupe on it. */
  id: string;
  /** What happened, `hearth.<service>.<event>` in lower-kebab segments, e.g. `hearth.customer-profile.guest-registered`. */
  type: TType;
  /** Version of the contract (the shape of `data`), a positive integer. The NATS subject is `<type>.v<version>`. */
  version: TVersion;
  /** The service that produced the message, lower-kebab (`customer-profile`). */
  source: string;
  /** The chain (tenant) that owns the data. Every consumer scopes its writes by it. */
  tenantId: string;
  /** The brand on whose behalf the change was made, when there is one. */
  brandId?: string;
  /** The guest the event concerns, when there is one. */
  guestId?: string;
  /** When the fact happened in the guest's world: an ISO 8601 date-time with `Z` or an offset. */
  occurredAt: string;
  /** Groups every message caused by one original request; copied from the cause. */
  correlationId: string;
  /** The id of the command or message that directly caused this one, when there is one. */
  causationId?: string;
  /** The event's payload, shaped by the contract version. */
  data: TData;
};

/** Any envelope: what a consumer knows before it has looked at `type` and `version`. */
export type AnyIntegrationEvent = IntegrationEvent<string, number, unknown>;

const nonEmpty = () => z.string().min(1);

/**
 * The fields shared by every envelope, as zod schemas whose descriptions end up in the JSON Schema files.
 * Kept as a plain shape so `defineEvent` can narrow `type`, `version` and `data`.
 */
export const envelopeShape = {
  id: z.uuid().describe('Unique id of this message (UUID). Also the NATS message id, used for de-duplication.'),
  type: z
    .string()
    .regex(EVENT_TYPE_PATTERN, 'must look like hearth.<service>.<event> with lower-kebab segments')
    .describe('What happened: hearth.<service>.<event>, lower-kebab segments.'),
  version: z.number().int().positive().describe('Version of the contract (the shape of data), a positive integer.'),
  source: z
    .string()
    .regex(SERVICE_NAME_PATTERN, 'must be a lower-kebab service name')
    .describe('The service that produced the message, lower-kebab.'),
  tenantId: nonEmpty().describe('The chain (tenant) that owns the data.'),
  brandId: nonEmpty().optional().describe('The brand on whose behalf the change was made, when there is one.'),
  guestId: nonEmpty().optional().describe('The guest the event concerns, when there is one.'),
  occurredAt: z.iso
    .datetime({ offset: true })
    .describe('When the fact happened in the guest\'s world: ISO 8601 date-time with Z or an offset.'),
  correlationId: nonEmpty().describe('Groups every message caused by one original request.'),
  causationId: nonEmpty().optional().describe('The id of the command or message that directly caused this one.'),
  data: z
    .unknown()
    .refine((value): boolean => value !== undefined, 'Required') // a present key holding undefined is still missing
    .describe('The event payload, shaped by the contract version.'),
} as const;

/** The generic envelope schema: any versioned contract, `data` left unknown. Unknown top-level fields are dropped. */
export const integrationEventSchema = z.object(envelopeShape).describe('Hearth integration-event envelope');

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
/** Compile-time guard: the documented type and the runtime schema must not drift apart. */
type _EnvelopeMatchesSchema = Assert<Equals<z.output<typeof integrationEventSchema>, AnyIntegrationEvent>>;

/**
 * Tolerant validation for consumers that accept any versioned contract (an audit log, the timeline, a
 * forwarder): checks the envelope only and leaves `data` unknown. Throws `ContractValidationError`.
 */
export function parseEnvelope(input: unknown): AnyIntegrationEvent {
  return parseWith(integrationEventSchema, 'envelope', input);
}

/** `parseEnvelope` without throwing. */
export function safeParseEnvelope(input: unknown): ContractParseResult<AnyIntegrationEvent> {
  return safeParseWith(integrationEventSchema, 'envelope', input);
}

/** The subject type of a contract version: a literal for literal type and version, else `string`. */
export type SubjectOf<TType extends string, TVersion extends number> = string extends TType
  ? string
  : number extends TVersion
    ? string
    : `${TType}.v${TVersion}`;

/** The NATS subject of a contract version: `<type>.v<version>`. */
export function subjectOf<const TType extends string, const TVersion extends number>(
  type: TType,
  version: TVersion,
): SubjectOf<TType, TVersion> {
  return `${type}.v${version}` as SubjectOf<TType, TVersion>;
}

/** Splits a subject into type and version; `undefined` when it is not `<hearth type>.v<N>`. */
export function parseSubject(subject: string): { type: string; version: number } | undefined {
  const match = SUBJECT_PATTERN.exec(subject);
  if (!match) return undefined;
  return { type: match[1]!, version: Number(match[2]) };
}
