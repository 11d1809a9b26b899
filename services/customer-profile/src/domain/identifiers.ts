import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/**
 * Typed guest identifiers. Each is unique per tenant after normalisation: the same normalised value can
 * belong to one guest only.
 */
export const IDENTITY_TYPES = ['email', 'phone', 'member', 'card', 'external', 'booking'] as const;
export type IdentityType = (typeof IDENTITY_TYPES)[number];

/** A normalised identifier. `system` names the issuing system for `external` ids (e.g. `opera-pms`). */
export type Identity = { type: IdentityType; value: string; system?: string };

export class InvalidIdentifierError extends Error {
  readonly code = 'INVALID_IDENTIFIER';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const EMAIL = /^[^\s@"(),:;<>[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const SYSTEM = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const TOKEN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const CARD_HASH = /^sha256:[0-9a-f]{64}$/;

/** Lower-cases and trims an e-mail address and checks its shape (mailbox@domain.tld). */
export function normaliseEmail(raw: string, field = 'email'): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) throw new InvalidIdentifierError(field, `'${raw.slice(0, 80)}' is not a valid e-mail address`);
  return email;
}

/**
 * Normalises a phone number to E.164 (`+351912345678`). Numbers without a country code are read in
 * `defaultCountry` (the property's or tenant's country); invalid numbers are rejected.
 */
export function normalisePhone(raw: string, defaultCountry?: string, field = 'phone'): string {
  const phone = parsePhoneNumberFromString(raw.trim(), defaultCountry as CountryCode | undefined);
  if (!phone || !phone.isValid()) {
    throw new InvalidIdentifierError(field, `'${raw.slice(0, 40)}' is not a valid phone number${defaultCountry ? ` (read in ${defaultCountry})` : ' (give it with its country code, e.g. +351…)'}`);
  }
  return phone.number;
}

/**
 * Normalises an identifier of any type. Card identifiers must arrive hashed (`sha256:<hex>`): raw card
 * numbers never enter Hearth (the edge hashes them with the tenant's pepper).
 */
export function normaliseIdentity(input: { type: string; value: string; system?: string }, options: { defaultCountry?: string; field?: string } = {}): Identity {
  const field = options.field ?? 'identifier';
  const value = typeof input.value === 'string' ? input.value.trim() : '';
  if (!value) throw new InvalidIdentifierError(`${field}.value`, 'must not be empty');
  switch (input.type) {
    case 'email':
      return { type: 'email', value: normaliseEmail(value, `${field}.value`) };
    case 'phone':
      return { type: 'phone', value: normalisePhone(value, options.defaultCountry, `${field}.value`) };
    case 'member':
    case 'booking':
      if (!TOKEN.test(value)) throw new InvalidIdentifierError(`${field}.value`, `'${value.slice(0, 40)}' is not a valid ${input.type} number`);
      return { type: input.type, value: value.toUpperCase() };
    case 'card':
      if (!CARD_HASH.test(value.toLowerCase())) throw new InvalidIdentifierError(`${field}.value`, "card identifiers must be hashed: 'sha256:<64 hex digits>'");
      return { type: 'card', value: value.toLowerCase() };
    case 'external': {
      const system = input.system?.trim().toLowerCase();
      if (!system || !SYSTEM.test(system)) throw new InvalidIdentifierError(`${field}.system`, 'external identifiers need a system name (e.g. opera-pms)');
      if (!TOKEN.test(value)) throw new InvalidIdentifierError(`${field}.value`, `'${value.slice(0, 40)}' is not a valid external id`);
      return { type: 'external', system, value };
    }
    default:
      throw new InvalidIdentifierError(`${field}.type`, `unknown identifier type '${String(input.type).slice(0, 20)}' (one of ${IDENTITY_TYPES.join(', ')})`);
  }
}

/** `email:ana@example.com`, `external:opera-pms:123`: the identifier as one string (its uniqueness key). */
export function identityKey(identity: Identity): string {
  return identity.type === 'external' ? `external:${identity.system}:${identity.value}` : `${identity.type}:${identity.value}`;
}

/**
 * Parses the `identifier` query form `type:value` (`email:ana@example.com`, `phone:+351…`,
 * `external:opera-pms:123`).
 */
export function parseIdentifierQuery(raw: string, options: { defaultCountry?: string } = {}): Identity {
  const colon = raw.indexOf(':');
  if (colon <= 0) throw new InvalidIdentifierError('identifier', "expected '<type>:<value>', e.g. email:ana@example.com");
  const type = raw.slice(0, colon);
  let rest = raw.slice(colon + 1);
  let system: string | undefined;
  if (type === 'external') {
    const second = rest.indexOf(':');
    if (second <= 0) throw new InvalidIdentifierError('identifier', "external identifiers read 'external:<system>:<id>'");
    system = rest.slice(0, second);
    rest = rest.slice(second + 1);
  }
  return normaliseIdentity({ type, value: rest, ...(system ? { system } : {}) }, { ...options, field: 'identifier' });
}
