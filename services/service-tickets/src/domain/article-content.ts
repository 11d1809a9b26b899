import { ARTICLE_VISIBILITIES, type ArticleContent } from './article.events';

/** Limits shared by the decider and the HTTP schemas (so the edge rejects what the decider would). */
export const ARTICLE_LIMITS = {
  titleMax: 200,
  bodyMax: 50_000,
  tagsMax: 20,
  tagMax: 40,
  reasonMax: 500,
} as const;

export const TAG_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
export const BRAND_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** A BCP 47 tag as far as we need it: a 2–3 letter language, then optional subtags. */
export const LANGUAGE_PATTERN = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** One broken rule of an article's content: `field` names the command field. */
export type ContentProblem = { field: keyof ArticleContent | 'sourceTicketId' | 'reason'; message: string };

/** `en-gb` → `en-GB`; undefined when it is not a language tag. */
export function canonicalLanguage(tag: string): string | undefined {
  if (!LANGUAGE_PATTERN.test(tag)) return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/** Trimmed, lower-cased, deduplicated (first occurrence wins). */
export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()))];
}

/**
 * Normalises the given content fields (trim, tag case, language case) and lists what breaks the rules.
 * Only the fields present are checked, so it serves creates (all fields) and updates (some).
 */
export function normalizeContent(content: Partial<ArticleContent>): { content: Partial<ArticleContent>; problems: ContentProblem[] } {
  const problems: ContentProblem[] = [];
  const out: Partial<ArticleContent> = {};
  if (content.title !== undefined) {
    out.title = content.title.trim();
    if (out.title.length === 0 || out.title.length > ARTICLE_LIMITS.titleMax) problems.push({ field: 'title', message: `must be 1 to ${ARTICLE_LIMITS.titleMax} characters` });
    else if (CONTROL.test(out.title) || /[\r\n]/.test(out.title)) problems.push({ field: 'title', message: 'must be one line without control characters' });
  }
  if (content.body !== undefined) {
    out.body = content.body.trim();
    if (out.body.length === 0 || out.body.length > ARTICLE_LIMITS.bodyMax) problems.push({ field: 'body', message: `must be 1 to ${ARTICLE_LIMITS.bodyMax} characters` });
    else if (CONTROL.test(out.body)) problems.push({ field: 'body', message: 'must not contain control characters' });
  }
  if (content.tags !== undefined) {
    out.tags = normalizeTags(content.tags);
    if (out.tags.length > ARTICLE_LIMITS.tagsMax) problems.push({ field: 'tags', message: `at most ${ARTICLE_LIMITS.tagsMax} tags` });
    const bad = out.tags.find((t) => !TAG_PATTERN.test(t) || t.length > ARTICLE_LIMITS.tagMax);
    if (bad !== undefined) problems.push({ field: 'tags', message: `'${bad}' is not a tag (lower-case letters, digits and -, at most ${ARTICLE_LIMITS.tagMax})` });
  }
  if (content.brandId !== undefined) {
    out.brandId = content.brandId;
    if (content.brandId !== null && !BRAND_ID_PATTERN.test(content.brandId)) problems.push({ field: 'brandId', message: 'is not a brand id' });
  }
  if (content.visibility !== undefined) {
    out.visibility = content.visibility;
    if (!ARTICLE_VISIBILITIES.includes(content.visibility)) problems.push({ field: 'visibility', message: `must be one of ${ARTICLE_VISIBILITIES.join(', ')}` });
  }
  if (content.language !== undefined) {
    const language = canonicalLanguage(content.language.trim());
    if (language === undefined) problems.push({ field: 'language', message: 'is not a BCP 47 language tag (e.g. en, en-GB)' });
    out.language = language ?? content.language;
  }
  return { content: out, problems };
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// 7+ digits with the usual separators (phone numbers, card and booking numbers): dates and times have fewer.
const LONG_NUMBER = /\+?\d(?:[\s().-]*\d){6,}/g;
// ISO dates (2026-05-04, optionally followed by an hour) have 8+ digits too; they are kept.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2})?$/;

/**
 * Masks e-mail addresses and long digit sequences (phone, card, booking numbers) in text copied from a
 * ticket. A safety net for "create article from ticket", not an anonymiser: names and other details are
 * left to the agent, who must review the draft before it is made public.
 */
export function maskContactDetails(text: string): string {
  return text.replace(EMAIL, '[email removed]').replace(LONG_NUMBER, (match) => (ISO_DATE.test(match) ? match : '[number removed]'));
}
