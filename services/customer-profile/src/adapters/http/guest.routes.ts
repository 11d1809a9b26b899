import { WrongExpectedVersionError } from '@hearth/event-store';
import { HttpError, route, validationError } from '@hearth/http';
import type { FieldError, Role, RouteDefinition } from '@hearth/http';
import { z } from 'zod';
import {
  addIdentity,
  changeConsent,
  eraseGuest,
  exportGuest,
  findGuestByIdentifier,
  lookupGuest,
  loadGuest,
  mergeGuests,
  registerGuest,
  removeIdentity,
  removePreference,
  resolveGuest,
  setPreference,
  unmergeGuests,
  updateProfile,
} from '../../app/guest-use-cases';
import { guestStream } from '../../app/profile-context';
import { GuestError } from '../../domain/guest.decider';
import { PREFERENCE_SCOPES, type Profile, type ProfileChanges } from '../../domain/guest.events';
import { canSeeGuest } from '../../domain/guest-visibility';
import { IDENTITY_TYPES, parseIdentifierQuery, type Identity } from '../../domain/identifiers';
import { IdentityTakenError } from '../../domain/identity-claim.decider';
import { checkAttributes, fieldProblem, guestLocation, normaliseAt, normaliseIdentities } from './errors';
import { identityConflict, isVisible, loadVisibleGuest, toGuestView } from './guest-access';
import {
  brandIdSchema,
  consentBodySchema,
  eraseBodySchema,
  erasureSchema,
  guestExportSchema,
  guestIdSchema,
  guestPageSchema,
  guestViewSchema,
  identityInputSchema,
  mergeBodySchema,
  mergeResultSchema,
  preferenceBodySchema,
  preferenceKeySchema,
  profileChangesBodySchema,
  registerGuestBodySchema,
  resolutionSchema,
  resolveBodySchema,
  unmergeBodySchema,
} from './profile.schemas';
import { callerHeadersSchema, requestScope, usableBrand, type ProfileRouteDeps, type RequestScope } from './request-scope';

/** Front-line staff and integrations: read and change guests. */
export const GUEST_ROLES: readonly Role[] = ['agent', 'manager', 'steward', 'admin', 'integration'];
/** Data stewards decide merges. */
export const STEWARD_ROLES: readonly Role[] = ['steward', 'admin'];

const TAGS = ['guests'];
const guestParams = z.object({ guestId: guestIdSchema });
const survivorParams = z.object({ survivorId: guestIdSchema });

const R = {
  guest: (description: string) => ({ description, body: guestViewSchema, headers: { ETag: 'Stream version of the guest' } }),
  merged: { description: 'Merged: problem+json (code GUEST_MERGED, survivorId) with Location → the surviving guest', headers: { Location: 'The surviving guest' } },
  notFound: { description: 'No such guest in your tenant, or not visible to your brands (GUEST_NOT_FOUND)' },
  erased: { description: 'The guest was erased (GUEST_ERASED)' },
  mergedConflict: { description: 'The guest was merged (GUEST_MERGED with survivorId), or another business conflict' },
  identityTaken: { description: 'An identifier belongs to another guest (IDENTITY_TAKEN with conflicts[]; the holder is named only if you may see it)' },
  preconditionFailed: { description: 'If-Match does not match the current version (WRONG_EXPECTED_VERSION)' },
} as const;

/** The guest as the caller may see it, with its version. */
const viewOf = (rs: RequestScope, result: { state: Parameters<typeof toGuestView>[0]; version: number }) => toGuestView(result.state, result.version, rs.scope);

/** `phone:+351…` arrives as `phone: 351…` when a client forgets to encode `+` in the query string. */
const restorePlus = (raw: string) => raw.replace(/^phone: (?=\d)/, 'phone:+');

/** The guest routes: registration, lookup, search, changes, identities, preferences, consents, resolution, merge, export, erasure. */
export function guestRoutes({ ctx, search, defaultCountry }: ProfileRouteDeps): RouteDefinition[] {
  const scopeOf = (c: Parameters<typeof requestScope>[1], write = false) => requestScope(ctx, c, { write });

  return [
    route(
      {
        method: 'post',
        path: '/v1/guests',
        summary: 'Register a guest',
        description:
          'Identifiers are normalised (e-mail lower case, phone E.164) and unique per tenant; attributes are checked against the tenant registry. Honours Idempotency-Key.',
        tags: TAGS,
        roles: GUEST_ROLES,
        idempotency: 'optional',
        headers: callerHeadersSchema,
        body: registerGuestBodySchema,
        responses: { 201: { ...R.guest('Registered'), headers: { Location: 'The new guest', ETag: 'Stream version of the guest' } }, 409: R.identityTaken },
      },
      async ({ actor, headers, body, correlationId, requestId }) => {
        const rs = await scopeOf({ actor, headers, correlationId, requestId }, true);
        const errors: FieldError[] = [];
        const identities = normaliseIdentities(body.identities, 'body.identities', defaultCountry, errors);
        checkAttributes(rs.tenant, body.attributes, 'body.attributes', errors);
        if (errors.length > 0) throw fieldProblem(errors);
        const { identities: _i, ...fields } = body;
        const profile: Profile = fields;
        const guestId = ctx.newId();
        try {
          const guest = await registerGuest(ctx, rs.caller, { guestId, profile, identities: identities.map((i) => i.identity) });
          return { status: 201, body: viewOf(rs, guest), version: guest.version, location: guestLocation(guestId) };
        } catch (error) {
          if (error instanceof IdentityTakenError) throw await identityConflict(ctx, rs, identities, guestId, error);
          throw error;
        }
      },
    ),

    route(
      {
        method: 'get',
        path: '/v1/guests',
        summary: 'Find guests by identifier, or search',
        description:
          'identifier=<type>:<value> (email:ana@example.com, phone:+351912345678, member:M-1, external:opera-pms:P-7; encode + as %2B) returns the one guest holding it (following merges), or no items: caller recognition by phone is this one call. ' +
          'q=<name prefix, e-mail or phone> searches with cursor pagination when the search read model is configured (400 otherwise). Only guests your brands may see are returned.',
        tags: TAGS,
        roles: GUEST_ROLES,
        headers: callerHeadersSchema,
        query: z.object({
          identifier: z.string().min(3).max(400).optional().describe('<type>:<value>'),
          q: z.string().trim().min(1).max(100).optional().describe('Name prefix, e-mail or phone'),
          cursor: z.string().min(1).max(500).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(20),
        }),
        responses: { 200: { description: 'Matching guests', body: guestPageSchema } },
      },
      async ({ actor, headers, query, correlationId, requestId }) => {
        const rs = await scopeOf({ actor, headers, correlationId, requestId });
        if (query.identifier !== undefined && query.q !== undefined) {
          throw validationError([{ path: 'query.q', message: 'give either identifier or q, not both' }]);
        }
        if (query.identifier !== undefined) {
          let identity: Identity;
          try {
            identity = parseIdentifierQuery(restorePlus(query.identifier), defaultCountry ? { defaultCountry } : {});
          } catch (error) {
            const e = error as { code?: unknown; field?: unknown; message?: unknown };
            if (e.code !== 'INVALID_IDENTIFIER') throw error;
            throw fieldProblem([{ path: `query.${String(e.field)}`, message: String(e.message), code: 'INVALID_IDENTIFIER' }]);
          }
          const guest = await lookupGuest(ctx, rs.caller, identity);
          if (guest === undefined) return { status: 200, body: { items: [] } };
          const shown = canSeeGuest(guest.state, rs.scope);
          return { status: 200, body: { items: shown ? [viewOf(rs, guest)] : [] } };
        }
        if (query.q === undefined) {
          throw validationError([{ path: 'query.identifier', message: 'give identifier=<type>:<value> (or q=<search text>)' }], 'Say which guest to find.');
        }
        if (!search) {
          throw new HttpError({
            status: 400,
            code: 'SEARCH_NOT_AVAILABLE',
            detail: 'Search by name, e-mail or phone is not available on this instance: look guests up with identifier=<type>:<value>, e.g. identifier=email:ana@example.com.',
            errors: [{ path: 'query.q', message: 'only identifier= lookups are supported' }],
          });
        }
        const page = await search.search(actor.tenantId, { q: query.q, limit: query.limit, ...(query.cursor !== undefined ? { cursor: query.cursor } : {}) });
        // The read model may lag or over-match: every hit is re-read from its stream and checked against the caller's scope.
        const guests = await Promise.all(
          page.items.map((id) =>
            loadGuest(ctx, rs.caller, id).catch((error: unknown) => {
              if (error instanceof GuestError && error.code === 'GUEST_NOT_FOUND') return undefined;
              throw error;
            }),
          ),
        );
        const items = guests.filter((g) => g !== undefined && g.state.status === 'active' && canSeeGuest(g.state, rs.scope)).map((g) => viewOf(rs, g!));
        return { status: 200, body: { items, ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}) } };
      },
    ),

    route(
      {
        method: 'get',
        path: '/v1/guests/:guestId',
        summary: 'Get a guest',
        tags: TAGS,
        roles: GUEST_ROLES,
        headers: callerHeadersSchema,
        params: guestParams,
        responses: { 200: R.guest('The guest as your brands may see it'), 301: R.merged, 404: R.notFound, 410: R.erased },
      },
      async ({ actor, headers, params, correlationId, requestId }) => {
        const rs = await scopeOf({ actor, headers, correlationId, requestId });
        const guest = await loadVisibleGuest(ctx, rs, params.guestId);
        return { status: 200, body: viewOf(rs, guest), version: guest.version };
      },
    ),

    route(
      {
        method: 'patch',
        path: '/v1/guests/:guestId',
        summary: 'Change a guest profile',
        description: 'Partial change: name, address, dateOfBirth (YYYY-MM-DD), language (BCP 47), customerType, lifecycleStage, attributes. null clears a field or attribute. If-Match required.',
        tags: TAGS,
        roles: GUEST_ROLES,
        ifMatch: 'required',
        headers: callerHeadersSchema,
        params: guestParams,
        body: profileChangesBodySchema,
        responses: { 200: R.guest('Changed'), 404: R.notFound, 409: R.mergedConflict, 410: R.erased, 412: R.preconditionFailed },
      },
      async ({ actor, headers, params, body, expectedVersion, correlationId, requestId }) => {
        const rs = await scopeOf({ actor, headers, correlationId, requestId }, true);
        const errors: FieldError[] = [];
        if (body.attributes) checkAttributes(rs.tenant, body.attributes, 'body.attributes', errors);
        if (errors.length > 0) throw fieldProblem(errors);
        await loadVisibleGuest(ctx, rs, params.guestId);
        const result = await updateProfile(ctx, rs.caller, params.guestId, body as ProfileChanges, expectedVersion);
        return { status: 200, body: viewOf(rs, result), version: result.version };
      },
    ),

    route(
      {
        method: 'post',
        path: '/v1/guests/:guestId/identities',
        summary: 'Add an identifier to a guest',
        tags: TAGS,
        roles: GUEST_ROLES,
        ifMatch: 'optional',
        headers: callerHeadersSchema,
        params: guestParams,
        body: identityInputSchema,
        responses: { 200: R.guest('Added (or already there)'), 404: R.notFound, 409: R.identityTaken, 410: R.erased, 412: R.preconditionFailed },
      },
      async ({ actor, headers, params, body, expectedVersion, correlationId, requestId }) => {
        const rs = await scopeOf({ actor, headers, correlationId, requestId }, true);
        const errors: FieldError[] = [];
        const identity = normaliseAt(body, 'body', defaultCountry, errors);
        if (!identity) throw fieldProblem(errors);
        await loadVisibleGuest(ctx, rs, params.guestId);
        try {
          const result = await addIdentity(ctx, rs.caller, params.guestId, identity, expectedVersion);
          return { status: 200, body: viewOf(rs, result), version: result.version };
        } catch (error) {
          if (error instanceof IdentityTakenError) throw await identityConflict(ctx, rs, [{ identity, path: 'body.value' }], params.guestId, error);
          throw error;
        }
      },
    ),

    route(
      {
        method: 'delete',
        path: '/v1/guests/:guestId/identities/:type/:value',
        summary: 'Remove an identifier from a guest',
        description:
          'The value as it was given (it is normalised again), URL-encoded: /identities/email/ana%40example.com, /identities/phone/%2B351912345678. External ids name their system first: /identities/external/opera-pms:P-7. Removing an identifier the guest does not hold changes nothing.',
        tags: TAGS,
        roles: GUEST_ROLES,
        ifMatch: 'optional',
        headers: callerHeadersSchema,
        params: z.object({ guestId: guestIdSchema, type: z.enum(IDENTITY_TYPES), value: z.string().min(1).max(400).describe('The value; for external ids <system>:<id>') }),
        responses: { 200: R.guest('Removed'), 404: R.notFound, 409: R.mergedConflict, 410: R.erased, 412: R.preconditionFailed },
      },
      async ({ actor, headers, params, expectedVersion, correlationId, requestId }) => {
        const rs = await scopeOf({ actor, headers, correlationId, requestId }, true);
        let input: { type: string; value: string; system?: string } = { type: params.type, value: params.value };
        if (params.type === 'external') {
          const colon = params.value.indexOf(':');
          if (colon <= 0) throw fieldProblem([{ path: 'path.value', message: "external identifiers read '<system>:<id>', e.g. opera-pms:P-7", code: 'INVALID_IDENTIFIER' }]);
          input = { type: 'external', system: params.value.slice(0, colon), value: params.value.slice(colon + 1) };
        }
        const errors: FieldError[] = [];
        const identity = normaliseAt(input, 'path', defaultCountry, errors);
        if (!identity) throw fieldProblem(errors);
        await loadVisibleGuest(ctx, rs, params.guestId);
        const result = await removeIdentity(ctx, rs.caller, params.guestId, identity, expectedVersion);
        return { status: 200, body: viewOf(rs, result), version: result.version };
      },
    ),

    route(
      {
        method: 'put',
        path: '/v1/guests/:guestId/preferences/:key',
        summary: 'Set a preference or special request',
        description:
          "scope shared: seen by every brand that may see the guest; scope brand: private to one brand (body brandId, one of your token's brands; defaults to your brand).",
        tags: TAGS,
        roles: GUEST_ROLES,
        ifMatch: 'optional',
        headers: callerHeadersSchema,
        params: z.object({ guestId: guestIdSchema, key: preferenceKeySchema }),
        body: preferenceBodySchema,
        responses: { 200: R.guest('Set'), 404: R.notFound, 409: R.mergedConflict, 410: R.erased, 412: R.preconditionFailed, 422: { description: 'INVALID_PREFERENCE' } },
      },
      async ({ actor, headers, params, body, expectedVersion, correlationId, requestId }) => {
        const rs = await scopeOf({ actor, headers, correlationId, requestId }, true);
        const brandId = preferenceBrand(rs, body.scope, body.brandId, 'body.brandId');
        await loadVisibleGuest(ctx, rs, params.guestId);
        const result = await setPreference(
          ctx,
          rs.caller,
          params.guestId,
          { key: params.key, value: body.value, kind: body.kind, scope: body.scope, ...(brandId !== undefined ? { brandId } : {}), source: body.source ?? rs.caller.channel ?? 'api' },
          expectedVersion,
        );
        return { status: 200, body: viewOf(rs, result), version: result.version };
      },
    ),

    route(
      {
        method: 'delete',
        path: '/v1/guests/:guestId/preferences/:key',
        summary: 'Remove a preference',
        tags: TAGS,
        roles: GUEST_ROLES,
        ifMatch: 'optional',
        headers: callerHeadersSchema,
        params: z.object({ guestId: guestIdSchema, key: preferenceKeySchema }),
        query: z.object({ scope: z.enum(PREFERENCE_SCOPES).default('shared'), brandId: brandIdSchema.optional().describe("For scope brand; defaults to your brand") }),
        responses: { 200: R.guest('Removed (or not there)'), 404: R.notFound, 409: R.mergedConflict, 410: R.erased, 412: R.preconditionFailed, 422: { description: 'INVALID_PREFERENCE' } },
      },
      async ({ actor, headers, params, query, expectedVersion, correlationId, requestId }) => {
        const rs = await scopeOf({ actor, headers, correlationId, requestId }, true);
        const brandId = preferenceBrand(rs, query.scope, query.brandId, 'query.brandId');
        await loadVisibleGuest(ctx, rs, params.guestId);
        const result = await removePreference(ctx, rs.caller, params.guestId, { key: params.key, scope: query.scope, ...(brandId !== undefined ? { brandId } : {}) }, expectedVersion);
        return { status: 200, body: viewOf(rs, result), version: result.version };
      },
    ),

    route(
      {
        method: 'post',
        path: '/v1/guests/:guestId/consents',
        summary: 'Grant or revoke a consent',
        description: 'Per brand × purpose × channel; the full history is kept (see the export). brandId defaults to your brand and must be one of your token’s brands.',
        tags: TAGS,
        roles: GUEST_ROLES,
        ifMatch: 'optional',
        headers: callerHeadersSchema,
        params: guestParams,
        body: consentBodySchema,
        responses: { 200: R.guest('Recorded'), 404: R.notFound, 409: R.mergedConflict, 410: R.erased, 412: R.preconditionFailed },
      },
      async ({ actor, headers, params, body, expectedVersion, correlationId, requestId }) => {
        const rs = await scopeOf({ actor, headers, correlationId, requestId }, true);
        const brandId = body.brandId !== undefined ? usableBrand(actor, rs.tenant, body.brandId, 'body.brandId') : rs.caller.brandId;
        if (brandId === undefined) throw validationError([{ path: 'body.brandId', message: 'required: your token names no single brand' }]);
        await loadVisibleGuest(ctx, rs, params.guestId);
        const { brandId: _b, ...consent } = body;
        const result = await changeConsent(ctx, rs.caller, params.guestId, { ...consent, brandId }, expectedVersion);
        return { status: 200, body: viewOf(rs, result), version: result.version };
      },
    ),

    route(
      {
        method: 'post',
        path: '/v1/guests/resolve',
        summary: 'Resolve identifiers to one guest',
        description:
          'matched: the one guest holding them (identifiers it lacked are attached); created: none was known, a provisional guest was created; ambiguous: they belong to different guests — nothing is guessed, a merge proposal is recorded for a data steward, and the candidates you may see are listed (others are counted).',
        tags: TAGS,
        roles: GUEST_ROLES,
        idempotency: 'optional',
        headers: callerHeadersSchema,
        body: resolveBodySchema,
        responses: { 200: { description: 'The resolution', body: resolutionSchema }, 409: R.identityTaken },
      },
      async ({ actor, headers, body, correlationId, requestId }) => {
        const rs = await scopeOf({ actor, headers, correlationId, requestId }, true);
        const errors: FieldError[] = [];
        const identities = normaliseIdentities(body.identifiers, 'body.identifiers', defaultCountry, errors);
        if (errors.length > 0) throw fieldProblem(errors);
        // One known holder the caller may not see: resolving would attach identifiers to a guest of a
        // brand outside the caller's scope (or reveal its id). Refuse without naming it.
        const owners = new Set<string>();
        for (const { identity } of identities) {
          const owner = await findGuestByIdentifier(ctx, rs.caller, identity);
          if (owner !== undefined) owners.add(owner);
        }
        const [only] = owners;
        if (owners.size === 1 && only !== undefined && !(await isVisible(ctx, rs, only))) throw await identityConflict(ctx, rs, identities, undefined, undefined);

        const result = await resolveGuest(ctx, rs.caller, identities.map((i) => i.identity));
        if (result.kind === 'matched') return { status: 200, body: { outcome: result.created ? ('created' as const) : ('matched' as const), guestId: result.guestId } };
        if (result.kind === 'ambiguous') {
          const visible = await Promise.all(result.candidates.map((c) => isVisible(ctx, rs, c.guestId)));
          const candidates = result.candidates.filter((_c, i) => visible[i]);
          return {
            status: 200,
            body: {
              outcome: 'ambiguous' as const,
              candidates,
              hiddenCandidates: result.candidates.length - candidates.length,
              ...(result.proposalId !== undefined ? { proposalId: result.proposalId } : {}),
            },
          };
        }
        throw new Error(`unexpected resolution outcome '${result.kind}'`);
      },
    ),

    route(
      {
        method: 'post',
        path: '/v1/guests/:survivorId/merge',
        summary: 'Merge another guest into this one',
        description:
          'Both streams record the merge; the merged guest’s identifiers resolve to the survivor; conflicting fields are decided by explainable survivorship (see the export). Repeating with the same mergeId completes an interrupted merge. If-Match applies to the survivor.',
        tags: TAGS,
        roles: STEWARD_ROLES,
        ifMatch: 'optional',
        headers: callerHeadersSchema,
        params: survivorParams,
        body: mergeBodySchema,
        responses: {
          200: { description: 'Merged', body: mergeResultSchema, headers: { ETag: 'Stream version of the survivor' } },
          404: R.notFound,
          409: { description: 'ALREADY_MERGED (into another guest) or GUEST_MERGED' },
          410: R.erased,
          412: R.preconditionFailed,
          422: { description: 'CANNOT_MERGE_WITH_ITSELF' },
        },
      },
      async ({ actor, headers, params, body, expectedVersion, correlationId, requestId }) => {
        const rs = await scopeOf({ actor, headers, correlationId, requestId }, true);
        const survivor = await loadVisibleGuest(ctx, rs, params.survivorId);
        await loadVisibleGuest(ctx, rs, body.mergedId, { active: false });
        // Checked here rather than passed down: mergeGuests writes the merged guest's stream first, and
        // a version conflict on the survivor afterwards would leave the merge half done.
        if (expectedVersion !== undefined && expectedVersion !== survivor.version) {
          throw new WrongExpectedVersionError(guestStream(params.survivorId), expectedVersion, survivor.version);
        }
        const result = await mergeGuests(ctx, rs.caller, params.survivorId, body.mergedId, body.mergeId !== undefined ? { mergeId: body.mergeId } : {});
        return { status: 200, body: { mergeId: result.mergeId, mergedId: body.mergedId, survivor: viewOf(rs, result) }, version: result.version };
      },
    ),

    route(
      {
        method: 'post',
        path: '/v1/guests/:survivorId/unmerge',
        summary: 'Undo a merge exactly',
        description: 'The survivor drops what it won from the merged guest; the merged guest answers again with its own identifiers and history.',
        tags: TAGS,
        roles: STEWARD_ROLES,
        headers: callerHeadersSchema,
        params: survivorParams,
        body: unmergeBodySchema,
        responses: { 200: { description: 'Unmerged', body: mergeResultSchema, headers: { ETag: 'Stream version of the survivor' } }, 404: { description: 'GUEST_NOT_FOUND or MERGE_NOT_FOUND' } },
      },
      async ({ actor, headers, params, body, correlationId, requestId }) => {
        const rs = await scopeOf({ actor, headers, correlationId, requestId }, true);
        await loadVisibleGuest(ctx, rs, params.survivorId);
        const result = await unmergeGuests(ctx, rs.caller, params.survivorId, body.mergeId);
        return { status: 200, body: { mergeId: body.mergeId, mergedId: result.mergedId ?? null, survivor: viewOf(rs, result) }, version: result.version };
      },
    ),

    route(
      {
        method: 'get',
        path: '/v1/guests/:guestId/export',
        summary: 'Export everything held about a guest',
        description:
          'Profile, identities, preferences, consents with history and the audit trail, as a JSON attachment. It contains every brand’s data, so it needs a chain-wide token (brands "*"). Works for merged and erased guests (personal values read null after erasure).',
        tags: ['privacy'],
        roles: STEWARD_ROLES,
        params: guestParams,
        responses: { 200: { description: 'The export (Content-Disposition: attachment)', body: guestExportSchema, headers: { 'Content-Disposition': 'attachment; filename="guest-<id>.json"' } }, 404: R.notFound },
      },
      async ({ actor, params, correlationId, requestId }) => {
        if (actor.brands !== '*') {
          throw new HttpError({ status: 403, code: 'CHAIN_SCOPE_REQUIRED', detail: 'An export holds every brand’s data about the guest: it needs a chain-wide token (brands "*").' });
        }
        const rs = await scopeOf({ actor, headers: {}, correlationId, requestId });
        await loadVisibleGuest(ctx, rs, params.guestId, { active: false });
        const data = await exportGuest(ctx, rs.caller, params.guestId);
        return { status: 200, body: data, version: data.version, headers: { 'Content-Disposition': `attachment; filename="guest-${params.guestId}.json"` } };
      },
    ),

    route(
      {
        method: 'post',
        path: '/v1/guests/:guestId/erase',
        summary: 'Erase a guest (right to be forgotten)',
        description:
          'Crypto-shredding: the guest’s data key is destroyed, so its personal values in every stored event become unreadable; identifiers are freed; read models and replayable responses are purged; a GuestErased event without personal data remains. Erasure removes the guest for every brand, so it needs a chain-wide admin token (brands "*"). Safe to repeat.',
        tags: ['privacy'],
        roles: ['admin'],
        headers: callerHeadersSchema,
        params: guestParams,
        body: eraseBodySchema,
        responses: { 200: { description: 'Erased', body: erasureSchema, headers: { ETag: 'Stream version of the guest' } }, 403: { description: 'CHAIN_SCOPE_REQUIRED' }, 404: R.notFound },
      },
      async ({ actor, headers, params, body, correlationId, requestId }) => {
        if (actor.brands !== '*') {
          throw new HttpError({ status: 403, code: 'CHAIN_SCOPE_REQUIRED', detail: 'Erasure removes the guest for every brand: it needs a chain-wide admin token (brands "*").' });
        }
        const rs = await scopeOf({ actor, headers, correlationId, requestId });
        await loadVisibleGuest(ctx, rs, params.guestId, { active: false });
        const result = await eraseGuest(ctx, rs.caller, params.guestId, body.reason);
        // GuestErased is the stream's last event (nothing can follow it): its time is the erasure time, on repeats too.
        const [last] = await ctx.store.readStream(guestStream(params.guestId), { fromVersion: result.version });
        const erasedAt = last?.type === 'GuestErased' ? last.metadata.occurredAt : ctx.now();
        return { status: 200, body: { guestId: params.guestId, erasedAt, version: result.version }, version: result.version };
      },
    ),
  ];
}

/**
 * The brand of a brand-scoped preference: the one named (it must be one of the caller's brands: 403
 * otherwise) or the caller's own. Shared preferences belong to no brand (the domain rejects one with 422).
 */
function preferenceBrand(rs: RequestScope, scope: 'shared' | 'brand', named: string | undefined, path: string): string | undefined {
  if (scope === 'shared') return named;
  return named !== undefined ? usableBrand(rs.actor, rs.tenant, named, path) : rs.caller.brandId;
}
