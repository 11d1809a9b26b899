import { PROFILE_FIELDS, type Profile, type ProfileField, type Provenance, type SurvivorshipDecision } from './guest.events';

export type ProfileWithProvenance = { guestId: string; profile: Profile; provenance: Partial<Record<ProfileField, Provenance>> };

const isSet = (v: unknown) => v !== undefined && v !== null && v !== '';

/**
 * Decides, field by field, which value the merged profile keeps. Explainable by construction: every
 * decision names its rule, the winning side and where the value came from.
 * - only one side has a value → that one (`only-value`);
 * - both have different values → the more recently set one (`most-recent`);
 * - equally recent, or no timestamps → the survivor's (`tie-survivor`).
 * Equal values produce no decision. Attributes are not contested: the survivor keeps its own. Only a
 * merged guest's winning value is recorded; a survivor's value stays where it is (its own events).
 */
export function decideSurvivorship(survivor: ProfileWithProvenance, merged: ProfileWithProvenance): SurvivorshipDecision[] {
  const decisions: SurvivorshipDecision[] = [];
  for (const field of PROFILE_FIELDS) {
    const mine = survivor.profile[field];
    const theirs = merged.profile[field];
    if (!isSet(theirs) || JSON.stringify(mine) === JSON.stringify(theirs)) continue;
    const theirSource = merged.provenance[field] ?? { guestId: merged.guestId, at: '', actor: 'unknown' };
    if (!isSet(mine)) {
      decisions.push({ field, winner: 'merged', rule: 'only-value', value: theirs, source: theirSource });
      continue;
    }
    const mySource = survivor.provenance[field] ?? { guestId: survivor.guestId, at: '', actor: 'unknown' };
    if (theirSource.at > mySource.at) decisions.push({ field, winner: 'merged', rule: 'most-recent', value: theirs, source: theirSource });
    else decisions.push({ field, winner: 'survivor', rule: mySource.at > theirSource.at ? 'most-recent' : 'tie-survivor', source: mySource });
  }
  return decisions;
}
