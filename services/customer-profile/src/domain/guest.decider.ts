import type { Decider } from '@hearth/event-store';
import { identityKey, type Identity } from './identifiers';
import type {
  ConsentChannel,
  ConsentPurpose,
  GuestEvent,
  PreferenceKind,
  PreferenceScope,
  Profile,
  ProfileChanges,
  ProfileField,
  Provenance,
} from './guest.events';
import { PROFILE_FIELDS } from './guest.events';
import { decideSurvivorship, type ProfileWithProvenance } from './survivorship';

export type GuestCommand =
  | { type: 'RegisterGuest'; guestId: string; profile: Profile; identities: Identity[]; provisional: boolean }
  | { type: 'UpdateProfile'; changes: ProfileChanges }
  | { type: 'AddIdentity'; identity: Identity }
  | { type: 'RemoveIdentity'; identity: Identity }
  | { type: 'SetPreference'; key: string; value: string; kind: PreferenceKind; scope: PreferenceScope; brandId?: string; source: string }
  | { type: 'RemovePreference'; key: string; scope: PreferenceScope; brandId?: string }
  | { type: 'ChangeConsent'; brandId: string; purpose: ConsentPurpose; channel: ConsentChannel; granted: boolean; source: string }
  | { type: 'AbsorbGuest'; mergeId: string; merged: ProfileWithProvenance }
  | { type: 'MergeInto'; mergeId: string; survivorId: string }
  | { type: 'UnabsorbGuest'; mergeId: string }
  | { type: 'RestoreGuest'; mergeId: string }
  | { type: 'EraseGuest'; reason: string };

export type GuestErrorCode =
  | 'GUEST_NOT_FOUND'
  | 'GUEST_ALREADY_EXISTS'
  | 'GUEST_MERGED'
  | 'GUEST_ERASED'
  | 'INVALID_PREFERENCE'
  | 'CANNOT_MERGE_WITH_ITSELF'
  | 'ALREADY_MERGED'
  | 'MERGE_NOT_FOUND';

/** A broken invariant of the guest aggregate. `survivorId` is set for GUEST_MERGED (clients follow it). */
export class GuestError extends Error {
  constructor(
    readonly code: GuestErrorCode,
    message: string,
    readonly survivorId?: string,
  ) {
    super(message);
    this.name = 'GuestError';
  }
}

type Overlay = { mergeId: string; mergedId: string; values: Partial<Record<ProfileField, unknown>>; sources: Partial<Record<ProfileField, Provenance>> };
type Preference = { key: string; value: string; kind: PreferenceKind; scope: PreferenceScope; brandId?: string; source: string };

export type GuestState = {
  status: 'none' | 'active' | 'merged' | 'erased';
  guestId?: string;
  /** The tenant the guest belongs to (from the registration's metadata). */
  tenantId?: string;
  provisional: boolean;
  /** The guest's own profile values (from its own registration and updates). */
  base?: Profile;
  provenance: Partial<Record<ProfileField, Provenance>>;
  /** Values won from absorbed guests, per merge, in merge order; removed exactly on unmerge. */
  overlays: Overlay[];
  identities: Identity[];
  preferences: Record<string, Preference>;
  consents: Record<string, boolean>;
  mergedInto?: { mergeId: string; survivorId: string };
  /** Brands the guest has a relationship with (from the brand of every change): decides who may see the guest. */
  brands: string[];
};

export const preferenceKey = (p: { key: string; scope: PreferenceScope; brandId?: string }) => `${p.scope}:${p.brandId ?? ''}:${p.key}`;
export const consentKey = (c: { brandId: string; purpose: string; channel: string }) => `${c.brandId}:${c.purpose}:${c.channel}`;
/** The parts of a `consentKey` (brand ids, purposes and channels never contain `:`). */
export function parseConsentKey(key: string): { brandId: string; purpose: string; channel: string } {
  const [brandId = '', purpose = '', channel = ''] = key.split(':');
  return { brandId, purpose, channel };
}

/** The profile as the guest's view shows it: own values with merged-in winners applied. */
export function effectiveProfile(state: GuestState): ProfileWithProvenance | undefined {
  if (!state.base || !state.guestId) return undefined;
  const profile: Profile = { ...state.base };
  const provenance = { ...state.provenance };
  for (const overlay of state.overlays) {
    for (const field of Object.keys(overlay.values) as ProfileField[]) {
      (profile as Record<string, unknown>)[field] = overlay.values[field];
      const source = overlay.sources[field];
      if (source) provenance[field] = source;
    }
  }
  return { guestId: state.guestId, profile, provenance };
}

const initialState = (): GuestState => ({ status: 'none', provisional: false, provenance: {}, overlays: [], identities: [], preferences: {}, consents: {}, brands: [] });

/** Throws the guest's status as a typed error unless it is active (not found, merged → survivor, erased). */
export function requireActive(state: GuestState): void {
  if (state.status === 'none') throw new GuestError('GUEST_NOT_FOUND', 'guest not found');
  if (state.status === 'erased') throw new GuestError('GUEST_ERASED', 'the guest has been erased');
  if (state.status === 'merged') {
    throw new GuestError('GUEST_MERGED', `the guest was merged into ${state.mergedInto!.survivorId}`, state.mergedInto!.survivorId);
  }
}

function profileChangesThatDiffer(current: Profile, changes: ProfileChanges): ProfileChanges {
  const out: ProfileChanges = {};
  for (const field of PROFILE_FIELDS) {
    if (!(field in changes)) continue;
    const next = changes[field];
    const now = current[field];
    if (JSON.stringify(next ?? null) !== JSON.stringify(now ?? null)) (out as Record<string, unknown>)[field] = next;
  }
  if (changes.attributes) {
    const attributes: Record<string, string | number | boolean | null> = {};
    for (const [key, value] of Object.entries(changes.attributes)) {
      if ((current.attributes[key] ?? null) !== value) attributes[key] = value;
    }
    if (Object.keys(attributes).length > 0) out.attributes = attributes;
  }
  return out;
}

function applyChanges(profile: Profile, changes: ProfileChanges): Profile {
  const next: Profile = { ...profile, attributes: { ...profile.attributes } };
  for (const field of PROFILE_FIELDS) {
    if (!(field in changes)) continue;
    const value = changes[field];
    if (value === null || value === undefined) delete (next as Record<string, unknown>)[field];
    else (next as Record<string, unknown>)[field] = value;
  }
  for (const [key, value] of Object.entries(changes.attributes ?? {})) {
    if (value === null) delete next.attributes[key];
    else next.attributes[key] = value;
  }
  return next;
}

function provenanceOf(state: GuestState, event: GuestEvent): Provenance {
  const m = event.metadata;
  return {
    guestId: state.guestId ?? '',
    at: m?.occurredAt ?? '',
    actor: m?.actor ?? 'unknown',
    ...(m?.brandId ? { brandId: m.brandId } : {}),
    ...(m?.channel ? { channel: m.channel } : {}),
  };
}

export const guestDecider: Decider<GuestState, GuestCommand, GuestEvent> = {
  initialState,

  decide(command, state) {
    switch (command.type) {
      case 'RegisterGuest': {
        if (state.status !== 'none') {
          if (state.guestId === command.guestId && state.status === 'active' && JSON.stringify(state.base) === JSON.stringify(command.profile)) return [];
          throw new GuestError('GUEST_ALREADY_EXISTS', `guest ${command.guestId} already exists`);
        }
        return [{ type: 'GuestRegistered', data: { guestId: command.guestId, profile: command.profile, identities: command.identities, provisional: command.provisional } }];
      }
      case 'UpdateProfile': {
        requireActive(state);
        const current = effectiveProfile(state)!.profile;
        const changes = profileChangesThatDiffer(current, command.changes);
        return Object.keys(changes).length === 0 ? [] : [{ type: 'ProfileUpdated', data: { changes } }];
      }
      case 'AddIdentity': {
        requireActive(state);
        if (state.identities.some((i) => identityKey(i) === identityKey(command.identity))) return [];
        return [{ type: 'IdentityAdded', data: { identity: command.identity } }];
      }
      case 'RemoveIdentity': {
        requireActive(state);
        if (!state.identities.some((i) => identityKey(i) === identityKey(command.identity))) return [];
        return [{ type: 'IdentityRemoved', data: { identity: command.identity } }];
      }
      case 'SetPreference': {
        requireActive(state);
        if (command.scope === 'brand' && !command.brandId) throw new GuestError('INVALID_PREFERENCE', 'a brand-scoped preference needs a brandId');
        if (command.scope === 'shared' && command.brandId) throw new GuestError('INVALID_PREFERENCE', 'a shared preference belongs to no brand');
        const { type: _t, ...preference } = command;
        const current = state.preferences[preferenceKey(command)];
        if (current && current.value === command.value && current.kind === command.kind) return [];
        return [{ type: 'PreferenceSet', data: preference }];
      }
      case 'RemovePreference': {
        requireActive(state);
        if (!state.preferences[preferenceKey(command)]) return [];
        const { type: _t, ...target } = command;
        return [{ type: 'PreferenceRemoved', data: target }];
      }
      case 'ChangeConsent': {
        requireActive(state);
        if ((state.consents[consentKey(command)] ?? false) === command.granted && consentKey(command) in state.consents) return [];
        const { type: _t, ...consent } = command;
        return [{ type: 'ConsentChanged', data: consent }];
      }
      case 'MergeInto': {
        if (state.status === 'merged') {
          if (state.mergedInto!.mergeId === command.mergeId) return [];
          throw new GuestError('ALREADY_MERGED', `the guest is already merged into ${state.mergedInto!.survivorId}`, state.mergedInto!.survivorId);
        }
        requireActive(state);
        if (command.survivorId === state.guestId) throw new GuestError('CANNOT_MERGE_WITH_ITSELF', 'a guest cannot be merged into itself');
        return [{ type: 'GuestMergedInto', data: { mergeId: command.mergeId, survivorId: command.survivorId } }];
      }
      case 'AbsorbGuest': {
        requireActive(state);
        if (state.overlays.some((o) => o.mergeId === command.mergeId)) return [];
        if (command.merged.guestId === state.guestId) throw new GuestError('CANNOT_MERGE_WITH_ITSELF', 'a guest cannot absorb itself');
        const survivorship = decideSurvivorship(effectiveProfile(state)!, command.merged);
        return [{ type: 'GuestAbsorbed', data: { mergeId: command.mergeId, mergedId: command.merged.guestId, survivorship } }];
      }
      case 'UnabsorbGuest': {
        requireActive(state);
        const overlay = state.overlays.find((o) => o.mergeId === command.mergeId);
        if (!overlay) throw new GuestError('MERGE_NOT_FOUND', `no merge ${command.mergeId} on this guest`);
        return [{ type: 'GuestUnabsorbed', data: { mergeId: overlay.mergeId, mergedId: overlay.mergedId } }];
      }
      case 'RestoreGuest': {
        if (state.status === 'active' && !state.mergedInto) return []; // already restored
        if (state.status !== 'merged' || state.mergedInto!.mergeId !== command.mergeId) {
          throw new GuestError('MERGE_NOT_FOUND', `the guest is not merged by ${command.mergeId}`);
        }
        return [{ type: 'GuestRestored', data: { mergeId: command.mergeId, survivorId: state.mergedInto!.survivorId } }];
      }
      case 'EraseGuest': {
        if (state.status === 'none') throw new GuestError('GUEST_NOT_FOUND', 'guest not found');
        if (state.status === 'erased') return [];
        return [{ type: 'GuestErased', data: { reason: command.reason } }];
      }
    }
  },

  evolve(current, event) {
    const brandId = event.metadata?.brandId;
    const state = brandId && !current.brands.includes(brandId) && event.type !== 'GuestErased' ? { ...current, brands: [...current.brands, brandId] } : current;
    switch (event.type) {
      case 'GuestRegistered': {
        const next: GuestState = {
          ...state,
          status: 'active',
          guestId: event.data.guestId,
          provisional: event.data.provisional,
          base: event.data.profile,
          identities: event.data.identities,
          ...(event.metadata?.tenantId ? { tenantId: event.metadata.tenantId } : {}),
        };
        const source = provenanceOf(next, event);
        next.provenance = Object.fromEntries(PROFILE_FIELDS.filter((f) => event.data.profile[f] !== undefined).map((f) => [f, source]));
        return next;
      }
      case 'ProfileUpdated': {
        if (!state.base) return state;
        const source = provenanceOf(state, event);
        const changed = PROFILE_FIELDS.filter((f) => f in event.data.changes);
        // an explicit update wins over values merged in earlier
        const overlays = state.overlays.map((o) => ({
          ...o,
          values: Object.fromEntries(Object.entries(o.values).filter(([f]) => !changed.includes(f as ProfileField))),
        }));
        const provenance = { ...state.provenance };
        for (const f of changed) provenance[f] = source;
        return { ...state, provisional: false, base: applyChanges(state.base, event.data.changes), provenance, overlays };
      }
      case 'IdentityAdded':
        return { ...state, identities: [...state.identities, event.data.identity] };
      case 'IdentityRemoved':
        return { ...state, identities: state.identities.filter((i) => identityKey(i) !== identityKey(event.data.identity)) };
      case 'PreferenceSet':
        return { ...state, preferences: { ...state.preferences, [preferenceKey(event.data)]: event.data } };
      case 'PreferenceRemoved': {
        const { [preferenceKey(event.data)]: _removed, ...preferences } = state.preferences;
        return { ...state, preferences };
      }
      case 'ConsentChanged':
        return { ...state, consents: { ...state.consents, [consentKey(event.data)]: event.data.granted } };
      case 'GuestMergedInto':
        return { ...state, status: 'merged', mergedInto: { mergeId: event.data.mergeId, survivorId: event.data.survivorId } };
      case 'GuestRestored': {
        const { mergedInto: _gone, ...rest } = state;
        return { ...rest, status: 'active' };
      }
      case 'GuestAbsorbed': {
        // a value that reads back as null was erased with the merged guest: it no longer wins anything
        const won = event.data.survivorship.filter((d) => d.winner === 'merged' && d.value !== null && d.value !== undefined);
        const overlay: Overlay = {
          mergeId: event.data.mergeId,
          mergedId: event.data.mergedId,
          values: Object.fromEntries(won.map((d) => [d.field, d.value])),
          sources: Object.fromEntries(won.map((d) => [d.field, d.source])),
        };
        return { ...state, overlays: [...state.overlays, overlay] };
      }
      case 'GuestUnabsorbed':
        return { ...state, overlays: state.overlays.filter((o) => o.mergeId !== event.data.mergeId) };
      case 'GuestErased':
        return { ...initialState(), status: 'erased', guestId: state.guestId, tenantId: state.tenantId, brands: state.brands };
      default:
        return current;
    }
  },
};
