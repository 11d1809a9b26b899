import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { EVENT_TYPE_PATTERN, envelopeShape, subjectOf, type IntegrationEvent, type SubjectOf } from './envelope';
import { InvalidContractDefinitionError } from './errors';
import { parseWith, safeParseWith, type ContractParseResult } from './validation';

/** A JSON Schema document (draft 2020-12) as produced by zod's `z.toJSONSchema`. */
export type JsonSchema = z.core.JSONSchema.BaseSchema;

/** What `defineEvent` needs to declare one version of an integration event. */
export type EventDefinition<TType extends string, TVersion extends number, TData extends z.ZodObject> = {
  /** `hearth.<service>.<event>`, lower-kebab segments, past tense: `hearth.customer-profile.guest-registered`. */
  type: TType;
  /** Positive integer. A breaking change is a new version published alongside the old one. */
  version: TVersion;
  /** One or two sentences: what happened, who publishes it, when. Ends up in the JSON Schema. */
  description: string;
  /** The payload schema. Document every field with `.describe()`; it ends up in the JSON Schema. */
  data: TData;
  /** A realistic payload. Validated when the contract is defined; also written into the JSON Schema. */
  example: z.input<TData>;
};

/** What `create` needs; everything the contract already knows (type, version) is filled in. */
export type CreateEventInput<TDataInput> = {
  /** Defaults to `crypto.randomUUID()`. Pass the domain event id to make re-publishing idempotent. */
  id?: string;
  /** Defaults to the `<service>` segment of the type. */
  source?: string;
  tenantId: string;
  brandId?: string;
  guestId?: string;
  /** Defaults to now. A `Date` is converted to ISO 8601. */
  occurredAt?: string | Date;
  correlationId: string;
  causationId?: string;
  data: TDataInput;
};

/** The envelope type of a contract: `EventOf<typeof guestRegisteredV1>`. */
export type EventOf<C> = C extends EventContract<infer TType, infer TVersion, infer TData>
  ? IntegrationEvent<TType, TVersion, z.output<TData>>
  : never;

/** One frozen version of one integration event. Build it with `defineEvent`. */
export type EventContract<
  TType extends string = string,
  TVersion extends number = number,
  TData extends z.ZodObject = z.ZodObject,
> = {
  readonly type: TType;
  readonly version: TVersion;
  /** The NATS subject: `<type>.v<version>`. */
  readonly subject: SubjectOf<TType, TVersion>;
  readonly description: string;
  /** The payload schema alone. */
  readonly dataSchema: TData;
  /** The full envelope schema: `type` and `version` as literals, `data` typed. */
  readonly schema: z.ZodType<IntegrationEvent<TType, TVersion, z.output<TData>>>;
  /** The example payload (validated, deeply frozen). */
  readonly example: Readonly<z.output<TData>>;
  /** A complete example envelope with fixed ids and time, handy for consumers' tests (deeply frozen). */
  readonly exampleEvent: Readonly<IntegrationEvent<TType, TVersion, z.output<TData>>>;
  /** Validates a message; throws `ContractValidationError` with field-level issues. Unknown fields are dropped. */
  parse(input: unknown): IntegrationEvent<TType, TVersion, z.output<TData>>;
  /** `parse` without throwing. */
  safeParse(input: unknown): ContractParseResult<IntegrationEvent<TType, TVersion, z.output<TData>>>;
  /** Builds a valid envelope (id and occurredAt defaulted); throws `ContractValidationError` when it is not. */
  create(input: CreateEventInput<z.input<TData>>): IntegrationEvent<TType, TVersion, z.output<TData>>;
  /** The envelope's JSON Schema (draft 2020-12, input side: unknown properties allowed, as tolerant readers expect). */
  toJsonSchema(): JsonSchema;
};

/** Any contract, whatever its type, version and payload. */
export type AnyEventContract = EventContract<string, number, z.ZodObject>;

/** Fixed values for `exampleEvent`, so that examples (and the JSON Schema files) are deterministic. */
const EXAMPLE_ENVELOPE = {
  id: '0b9a7f3e-5c1d-4e2a-9f6b-8d7c6e5a4b3c',
  tenantId: 'tenant-example',
  occurredAt: '2025-01-01T12:00:00.000Z',
  correlationId: '6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b',
} as const;

/**
 * Declares one version of an integration event.
 *
 * ```ts
 * export const guestRegisteredV1 = defineEvent({
 *   type: 'hearth.customer-profile.guest-registered',
 *   version: 1,
 *   description: 'A guest profile was created.',
 *   data: z.object({ guestId: z.string().min(1).describe('…') }),
 *   example: { guestId: 'guest-42' },
 * });
 * ```
 * Throws `InvalidContractDefinitionError` at definition time when the type, version or description is
 * malformed, the example does not match the payload schema, or the payload cannot be described in
 * JSON Schema (dates, transforms, bigints: a wire payload is plain JSON).
 */
export function defineEvent<const TType extends string, const TVersion extends number, TData extends z.ZodObject>(
  definition: EventDefinition<TType, TVersion, TData>,
): EventContract<TType, TVersion, TData> {
  const { type, version, description, data } = definition;
  const name = `${String(type)} v${String(version)}`;
  if (typeof type !== 'string' || !EVENT_TYPE_PATTERN.test(type)) {
    throw new InvalidContractDefinitionError(name, 'type must look like hearth.<service>.<event> with lower-kebab segments');
  }
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw new InvalidContractDefinitionError(name, 'version must be a positive integer');
  }
  if (typeof description !== 'string' || description.trim() === '') {
    throw new InvalidContractDefinitionError(name, 'description must not be empty');
  }
  if (!(data instanceof z.ZodObject)) {
    throw new InvalidContractDefinitionError(name, 'data must be a z.object(...) schema, so that later optional fields can be added');
  }
  const subject = subjectOf(type, version);

  const exampleResult = safeParseWith(data, subject, definition.example);
  if (!exampleResult.success) {
    throw new InvalidContractDefinitionError(name, 'the example does not match the data schema', exampleResult.error.issues, {
      cause: exampleResult.error,
    });
  }
  const example = deepFreeze(exampleResult.data as z.output<TData>);

  type Event = IntegrationEvent<TType, TVersion, z.output<TData>>;
  const schema = z
    .object({
      ...envelopeShape,
      type: z.literal(type).describe('What happened: hearth.<service>.<event>.'),
      version: z.literal(version).describe('Version of the contract (the shape of data).'),
      data: data.meta({ ...data.meta(), examples: [JSON.parse(JSON.stringify(definition.example)) as unknown] }),
    })
    .meta({ title: subject, description }) as unknown as z.ZodType<Event>;

  const parse = (input: unknown): Event => parseWith(schema, subject, input);
  const create = (input: CreateEventInput<z.input<TData>>): Event =>
    parse({
      id: input.id ?? randomUUID(),
      type,
      version,
      source: input.source ?? type.split('.')[1],
      tenantId: input.tenantId,
      ...(input.brandId !== undefined && { brandId: input.brandId }),
      ...(input.guestId !== undefined && { guestId: input.guestId }),
      occurredAt: toIsoString(input.occurredAt),
      correlationId: input.correlationId,
      ...(input.causationId !== undefined && { causationId: input.causationId }),
      data: input.data,
    });

  const exampleEventResult = safeParseWith(schema, subject, {
    ...EXAMPLE_ENVELOPE,
    type,
    version,
    source: type.split('.')[1],
    data: definition.example,
  });
  if (!exampleEventResult.success) {
    throw new InvalidContractDefinitionError(name, 'the example envelope does not validate', exampleEventResult.error.issues, {
      cause: exampleEventResult.error,
    });
  }

  // Rendered now so that a payload JSON cannot carry (z.date(), transforms, bigint…) fails at definition.
  let jsonSchema: JsonSchema;
  try {
    jsonSchema = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' });
  } catch (error) {
    throw new InvalidContractDefinitionError(name, `the envelope cannot be rendered as JSON Schema: ${(error as Error).message}`, [], {
      cause: error,
    });
  }
  return Object.freeze({
    type,
    version,
    subject,
    description,
    dataSchema: data,
    schema,
    example,
    exampleEvent: deepFreeze(exampleEventResult.data),
    parse,
    safeParse: (input: unknown) => safeParseWith(schema, subject, input),
    create,
    toJsonSchema: () => {
      // A JSON round trip rather than structuredClone: plain objects of this realm, and the schema is JSON anyway.
      return JSON.parse(JSON.stringify(jsonSchema)) as JsonSchema;
    },
  });
}

function toIsoString(value: string | Date | undefined): string {
  if (value === undefined) return new Date().toISOString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
