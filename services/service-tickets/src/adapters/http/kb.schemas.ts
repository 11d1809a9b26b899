import { z } from 'zod';
import { ARTICLE_LIMITS, BRAND_ID_PATTERN, canonicalLanguage, TAG_PATTERN } from '../../domain/article-content';
import { ARTICLE_STATUSES, ARTICLE_VISIBILITIES } from '../../domain/article.events';

/** Request and response schemas of the knowledge-base API (the OpenAPI document is generated from them). */

export const articleIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, 'expected an article id');
export const brandIdSchema = z.string().regex(BRAND_ID_PATTERN, 'expected a brand id (letters, digits, ., - and _)');
export const tagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(ARTICLE_LIMITS.tagMax)
  .regex(TAG_PATTERN, 'expected a tag (lower-case letters, digits and -)');
export const languageSchema = z
  .string()
  .trim()
  .refine((v) => canonicalLanguage(v) !== undefined, 'expected a BCP 47 language tag, e.g. en or en-GB')
  .transform((v) => canonicalLanguage(v)!);
const visibilitySchema = z.enum(ARTICLE_VISIBILITIES);
const titleSchema = z.string().trim().min(1).max(ARTICLE_LIMITS.titleMax).regex(/^[^\r\n]*$/, 'must be one line');
const bodySchema = z.string().trim().min(1).max(ARTICLE_LIMITS.bodyMax);
const tagsSchema = z.array(tagSchema).max(ARTICLE_LIMITS.tagsMax);

export const createArticleBodySchema = z.strictObject({
  title: titleSchema,
  body: bodySchema.describe('Plain text or Markdown'),
  tags: tagsSchema.default([]),
  brandId: brandIdSchema.nullable().describe('The brand the article belongs to; null: chain-wide (needs a chain-wide token)'),
  visibility: visibilitySchema.default('internal').describe('internal: staff only; public: also in the FAQ'),
  language: languageSchema.default('en').describe('Chooses the text-search dictionary (stemming); unknown languages are indexed word by word'),
});

export const updateArticleBodySchema = z
  .strictObject({
    title: titleSchema.optional(),
    body: bodySchema.optional(),
    tags: tagsSchema.optional(),
    brandId: brandIdSchema.nullable().optional(),
    visibility: visibilitySchema.optional(),
    language: languageSchema.optional(),
  })
  .refine((changes) => Object.values(changes).some((v) => v !== undefined), 'give at least one field to change');

export const archiveArticleBodySchema = z.strictObject({ reason: z.string().trim().max(ARTICLE_LIMITS.reasonMax).optional() }).optional();

export const articleFromTicketBodySchema = z.strictObject({
  ticketId: z.string().trim().min(1).max(100),
  title: titleSchema.optional().describe('Default: the ticket subject (contact details masked)'),
  body: bodySchema.optional().describe('Default: the resolution summary (contact details masked); required when the ticket has none'),
  tags: tagsSchema.optional().describe("Default: the ticket's category"),
  brandId: brandIdSchema.nullable().optional().describe("Default: the ticket's brand"),
  visibility: visibilitySchema.optional().describe('Default: internal'),
  language: languageSchema.optional().describe('Default: en'),
});

export const articleViewSchema = z
  .object({
    articleId: z.string(),
    title: z.string(),
    body: z.string(),
    tags: z.array(z.string()),
    brandId: z.string().nullable(),
    visibility: visibilitySchema,
    language: z.string(),
    status: z.enum(ARTICLE_STATUSES),
    sourceTicketId: z.string().optional().describe('The ticket the article was drafted from'),
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
    updatedBy: z.string(),
    version: z.number().int().describe('Stream version, also the ETag'),
  })
  .meta({ id: 'KbArticle' });

const searchHitSchema = z
  .object({
    articleId: z.string(),
    title: z.string(),
    excerpt: z.string().describe('The first characters of the body'),
    tags: z.array(z.string()),
    brandId: z.string().nullable(),
    visibility: visibilitySchema,
    language: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
    score: z.number().describe('Relevance (title over tags over body); 0 without q'),
  })
  .meta({ id: 'KbSearchHit' });

const faqItemSchema = z
  .object({
    articleId: z.string(),
    title: z.string(),
    body: z.string(),
    tags: z.array(z.string()),
    brandId: z.string().nullable(),
    language: z.string(),
    updatedAt: z.string(),
    score: z.number(),
  })
  .meta({ id: 'KbFaqItem' });

export const searchPageSchema = z.object({ items: z.array(searchHitSchema), nextCursor: z.string().optional() }).meta({ id: 'KbSearchPage' });
export const faqPageSchema = z.object({ items: z.array(faqItemSchema), nextCursor: z.string().optional() }).meta({ id: 'KbFaqPage' });

/** `a,b` (or repeated `tags=a&tags=b`) → ['a', 'b']. */
const tagListSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((v) => v.trim()).filter((v) => v !== ''))
  .pipe(z.array(tagSchema).max(ARTICLE_LIMITS.tagsMax));

const pageQuery = {
  q: z.string().trim().min(1).max(500).optional().describe('Web-search syntax: words, "a phrase", or, -not. Absent: newest first'),
  language: languageSchema.optional().describe('Only articles in this language (en also matches en-GB)'),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
};

export const searchQuerySchema = z.object({
  ...pageQuery,
  tags: tagListSchema.optional().describe('Only articles carrying all these tags (comma-separated)'),
  visibility: visibilitySchema.optional(),
  brand: brandIdSchema.optional().describe("Only this brand's articles (and chain-wide ones)"),
});

export const faqQuerySchema = z.object({
  ...pageQuery,
  tags: tagListSchema.optional().describe('Only articles carrying all these tags (comma-separated)'),
  brand: brandIdSchema.optional().describe("This brand's FAQ: its public articles and the chain-wide ones"),
});

/** `X-Brand-Id`: the brand a multi-brand (or chain-wide) caller acts for. */
export const kbHeadersSchema = z.object({
  'x-brand-id': brandIdSchema.optional().describe('The brand the caller acts for; narrows what it sees to that brand (and its data-sharing partners)'),
});
