import { z } from 'zod';
import { CONSENT_CHANNELS, CONSENT_PURPOSES, CUSTOMER_TYPES, LIFECYCLE_STAGES, PREFERENCE_KINDS, PREFERENCE_SCOPES } from '../../domain/guest.events';
import { IDENTITY_TYPES } from '../../domain/identifiers';
import { ATTRIBUTE_TYPES, BRAND_SHARING, PROPERTY_KINDS } from '../../domain/tenant.decider';

// Request schemas are strict: a misspelt field is a 400 naming it, not a value silently dropped.

/** Ids that end up in stream names: letters, digits, `-` and `_` (UUIDs fit). */
export const guestIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'expected a guest id (letters, digits, - and _; at most 64)').describe('Guest id');
export const mergeIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_~-]{0,127}$/, 'expected a merge id').describe('Merge id');
export const brandIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'expected a brand id (letters, digits, ., - and _)').describe('Brand id');
export const propertyIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'expected a property id (letters, digits, ., - and _)').describe('Property id');
export const attributeKeySchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'expected an attribute key (a letter, then letters, digits and _)');
export const preferenceKeySchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'expected a preference key (letters, digits, ., - and _)').describe('Preference key, e.g. pillow');
export const proposalIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_~-]{0,179}$/, 'expected a merge proposal id').describe('Merge proposal id');

/** A real calendar date written YYYY-MM-DD. */
function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function dateOfBirthProblem(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'expected a date written YYYY-MM-DD';
  if (!isCalendarDate(value)) return 'not a real calendar date';
  if (value < '1900-01-01' || value > new Date().toISOString().slice(0, 10)) return 'must be between 1900-01-01 and today';
  return undefined;
}

/** Date of birth: a real date, not in the future, not before 1900 (one message, the first problem found). */
export const dateOfBirthSchema = z
  .string()
  .superRefine((value, ctx) => {
    const problem = dateOfBirthProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('ISO date, YYYY-MM-DD');

function canonicalLanguage(tag: string): string {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? tag;
  } catch {
    return tag;
  }
}

function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/** BCP 47 language tag, stored in canonical case (`pt-pt` → `pt-PT`). */
export const languageSchema = z.string().max(35).refine(isLanguageTag, 'not a BCP 47 language tag (e.g. en, pt-PT)').overwrite(canonicalLanguage).describe('BCP 47 language tag, e.g. pt-PT');

const countrySchema = z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code, e.g. PT');

export const personNameSchema = z.strictObject({
  title: z.string().trim().min(1).max(40).optional(),
  given: z.string().trim().min(1).max(100),
  family: z.string().trim().min(1).max(100),
});

export const postalAddressSchema = z.strictObject({
  lines: z.array(z.string().trim().min(1).max(200)).min(1).max(5),
  city: z.string().trim().min(1).max(100),
  postalCode: z.string().trim().min(1).max(20).optional(),
  region: z.string().trim().min(1).max(100).optional(),
  country: countrySchema,
});

const attributeValueSchema = z.union([z.string().max(1000), z.number(), z.boolean()]);

/** An identifier as a caller sends it; normalised (`normaliseIdentity`) before use. */
export const identityInputSchema = z
  .strictObject({
    type: z.enum(IDENTITY_TYPES),
    value: z.string().min(1).max(320),
    system: z.string().min(1).max(64).optional().describe('Issuing system of an external id, e.g. opera-pms'),
  })
  .meta({ id: 'IdentityInput' });

export const registerGuestBodySchema = z.strictObject({
  name: personNameSchema.optional(),
  address: postalAddressSchema.optional(),
  dateOfBirth: dateOfBirthSchema.optional(),
  language: languageSchema.optional(),
  customerType: z.enum(CUSTOMER_TYPES).default('individual'),
  lifecycleStage: z.enum(LIFECYCLE_STAGES).default('prospect'),
  attributes: z.record(attributeKeySchema, attributeValueSchema).default({}).describe("Typed by the tenant's attribute registry"),
  identities: z.array(identityInputSchema).max(20).default([]),
});

/** A partial change; `null` clears an optional field (and removes an attribute). */
export const profileChangesBodySchema = z
  .strictObject({
    name: personNameSchema.nullable().optional(),
    address: postalAddressSchema.nullable().optional(),
    dateOfBirth: dateOfBirthSchema.nullable().optional(),
    language: languageSchema.nullable().optional(),
    customerType: z.enum(CUSTOMER_TYPES).optional(),
    lifecycleStage: z.enum(LIFECYCLE_STAGES).optional(),
    attributes: z.record(attributeKeySchema, attributeValueSchema.nullable()).optional(),
  })
  .refine((changes) => Object.keys(changes).length > 0, 'give at least one field to change');

// ---- responses ----

const profileViewSchema = z
  .object({
    name: z.object({ title: z.string().optional(), given: z.string(), family: z.string() }).optional(),
    address: z.object({ lines: z.array(z.string()), city: z.string(), postalCode: z.string().optional(), region: z.string().optional(), country: z.string() }).optional(),
    dateOfBirth: z.string().optional(),
    language: z.string().optional(),
    customerType: z.enum(CUSTOMER_TYPES),
    lifecycleStage: z.enum(LIFECYCLE_STAGES),
    attributes: z.record(z.string(), attributeValueSchema),
  })
  .meta({ id: 'Profile' });

export const identityViewSchema = z.object({ type: z.enum(IDENTITY_TYPES), value: z.string(), system: z.string().optional() }).meta({ id: 'Identity' });

export const guestViewSchema = z
  .object({
    guestId: z.string(),
    version: z.number().int().describe('Stream version (the ETag)'),
    status: z.enum(['active', 'merged', 'erased']),
    provisional: z.boolean().describe('Created by identity resolution and not yet confirmed by a person'),
    profile: profileViewSchema.nullable(),
    identities: z.array(identityViewSchema),
    preferences: z.array(
      z.object({
        key: z.string(),
        value: z.string(),
        kind: z.enum(PREFERENCE_KINDS),
        scope: z.enum(PREFERENCE_SCOPES),
        brandId: z.string().optional(),
        source: z.string(),
      }),
    ),
    consents: z.array(z.object({ brandId: z.string(), purpose: z.string(), channel: z.string(), granted: z.boolean() })),
    brands: z.array(z.string()).describe('Brands the guest has a relationship with, as far as the caller may see'),
    mergedInto: z.object({ mergeId: z.string(), survivorId: z.string() }).nullable(),
  })
  .meta({ id: 'Guest', description: "A guest as the caller's brand scope may see it: shared data plus the caller's own brands' private data" });

export const guestPageSchema = z.object({
  items: z.array(guestViewSchema),
  nextCursor: z.string().optional().describe('Present when there may be more results'),
});

export const resolveBodySchema = z.strictObject({ identifiers: z.array(identityInputSchema).min(1).max(20) });

export const resolutionSchema = z.object({
  outcome: z.enum(['matched', 'created', 'ambiguous']),
  guestId: z.string().optional(),
  candidates: z.array(z.object({ guestId: z.string(), matchedBy: z.array(identityViewSchema) })).optional().describe('Candidates the caller may see'),
  hiddenCandidates: z.number().int().optional().describe('How many further candidates belong to brands the caller may not see'),
  proposalId: z.string().optional().describe('The merge proposal recorded for a data steward'),
});

export const preferenceBodySchema = z.strictObject({
  value: z.string().trim().min(1).max(500),
  kind: z.enum(PREFERENCE_KINDS).default('preference'),
  scope: z.enum(PREFERENCE_SCOPES).default('shared'),
  brandId: brandIdSchema.optional().describe("For scope brand; defaults to the caller's brand"),
  source: z.string().trim().min(1).max(100).optional().describe("Defaults to the caller's channel"),
});

export const consentBodySchema = z.strictObject({
  brandId: brandIdSchema.optional().describe("Defaults to the caller's brand"),
  purpose: z.enum(CONSENT_PURPOSES),
  channel: z.enum(CONSENT_CHANNELS),
  granted: z.boolean(),
  source: z.string().trim().min(1).max(100),
});

export const mergeBodySchema = z.strictObject({ mergedId: guestIdSchema, mergeId: mergeIdSchema.optional() });
export const unmergeBodySchema = z.strictObject({ mergeId: mergeIdSchema });
export const mergeResultSchema = z.object({ mergeId: z.string(), mergedId: z.string().nullable(), survivor: guestViewSchema });

export const eraseBodySchema = z.strictObject({
  reason: z.string().trim().min(1).max(200).describe('Why (kept after erasure: must not contain personal data), e.g. "guest request #123"'),
});
export const erasureSchema = z.object({ guestId: z.string(), erasedAt: z.string(), version: z.number().int() });

const auditEntrySchema = z.object({
  version: z.number().int(),
  type: z.string(),
  occurredAt: z.string(),
  recordedAt: z.string(),
  actor: z.string(),
  brandId: z.string().nullable(),
  channel: z.string().nullable(),
  data: z.unknown(),
});

export const guestExportSchema = z.object({
  exportedAt: z.string(),
  guestId: z.string(),
  version: z.number().int(),
  status: z.string(),
  profile: z.unknown().describe('The profile, or null once erased'),
  identities: z.array(identityViewSchema),
  preferences: z.array(z.unknown()),
  consents: z.object({ current: z.array(z.unknown()), history: z.array(auditEntrySchema) }),
  mergedInto: z.object({ mergeId: z.string(), survivorId: z.string() }).nullable(),
  audit: z.array(auditEntrySchema).describe('Every change with actor, brand, channel and time; personal values read null after erasure'),
});

export const mergeProposalViewSchema = z
  .object({
    proposalId: z.string(),
    version: z.number().int(),
    status: z.enum(['open', 'accepted', 'rejected']),
    guestIds: z.array(z.string()),
    reason: z.string(),
    evidence: z.array(z.object({ type: z.string() })),
    proposedAt: z.string(),
    decidedAt: z.string().optional(),
    decidedBy: z.string().optional(),
    survivorId: z.string().optional(),
    mergeIds: z.array(z.string()).optional(),
    rejectionReason: z.string().optional(),
  })
  .meta({ id: 'MergeProposal' });

// ---- tenant configuration ----

export const brandSchema = z.object({ brandId: z.string(), name: z.string(), sharing: z.enum(BRAND_SHARING) }).meta({ id: 'Brand' });
export const brandBodySchema = z.strictObject({
  brandId: brandIdSchema,
  name: z.string().trim().min(1).max(100),
  sharing: z.enum(BRAND_SHARING).describe('shared: joins the shared guest view; private: keeps its guests to itself'),
});
export const brandChangesBodySchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    sharing: z.enum(BRAND_SHARING).optional(),
    agreementRef: z.string().trim().min(1).max(100).optional().describe('Reference of the data-sharing agreement'),
  })
  .refine((b) => b.name !== undefined || b.sharing !== undefined, 'give name and/or sharing');

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const propertyFields = {
  brandId: brandIdSchema,
  name: z.string().trim().min(1).max(100),
  kind: z.enum(PROPERTY_KINDS),
  country: countrySchema,
  timeZone: z.string().max(64).refine(isTimeZone, 'not an IANA time zone, e.g. Europe/Lisbon'),
};
export const propertySchema = z
  .object({ propertyId: z.string(), brandId: z.string(), name: z.string(), kind: z.enum(PROPERTY_KINDS), country: z.string(), timeZone: z.string() })
  .meta({ id: 'Property' });
export const propertyBodySchema = z.strictObject({ propertyId: propertyIdSchema, ...propertyFields });
export const propertyUpdateBodySchema = z.strictObject(propertyFields);

export const attributeSchema = z.object({ key: z.string(), type: z.enum(ATTRIBUTE_TYPES), description: z.string() }).meta({ id: 'AttributeDefinition' });
export const attributeBodySchema = z.strictObject({ key: attributeKeySchema, type: z.enum(ATTRIBUTE_TYPES), description: z.string().trim().max(500).default('') });

export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
