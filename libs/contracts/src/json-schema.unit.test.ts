import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { defineEvent } from './define-event';
import {
  exportJsonSchemas,
  jsonDifferences,
  jsonEqual,
  isOptionalExtension,
  jsonSchemaFileName,
  refreshExtendedJsonSchemas,
  renderJsonSchema,
  verifyJsonSchemas,
} from './json-schema';

const noteV1 = defineEvent({
  type: 'hearth.timeline.note-added',
  version: 1,
  description: 'A note was added.',
  data: z.object({ noteId: z.string().min(1) }),
  example: { noteId: 'note-1' },
});
const noteV2 = defineEvent({
  type: 'hearth.timeline.note-added',
  version: 2,
  description: 'A note was added.',
  data: z.object({ noteId: z.string().min(1), pinned: z.boolean() }),
  example: { noteId: 'note-1', pinned: false },
});

describe('JSON Schema files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-contracts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names files <type>.v<N>.schema.json', () => {
    expect(jsonSchemaFileName(noteV2)).toBe('hearth.timeline.note-added.v2.schema.json');
  });

  it('writes one file per contract version, creating the directory', () => {
    const target = join(dir, 'schemas');
    expect(exportJsonSchemas(target, [noteV1, noteV2])).toEqual({
      written: ['hearth.timeline.note-added.v1.schema.json', 'hearth.timeline.note-added.v2.schema.json'],
      kept: [],
    });
    expect(readdirSync(target).sort()).toEqual([
      'hearth.timeline.note-added.v1.schema.json',
      'hearth.timeline.note-added.v2.schema.json',
    ]);
    expect(JSON.parse(readFileSync(join(target, jsonSchemaFileName(noteV1)), 'utf8'))).toEqual(noteV1.toJsonSchema());
  });

  it('writes missing files only and never overwrites an existing one', () => {
    const v1File = join(dir, jsonSchemaFileName(noteV1));
    writeFileSync(v1File, '{"tampered":true}\n');
    expect(exportJsonSchemas(dir, [noteV1, noteV2])).toEqual({
      written: ['hearth.timeline.note-added.v2.schema.json'],
      kept: ['hearth.timeline.note-added.v1.schema.json'],
    });
    expect(readFileSync(v1File, 'utf8')).toBe('{"tampered":true}\n');
  });

  it('verifies unchanged, missing, changed and orphaned files', () => {
    writeFileSync(join(dir, jsonSchemaFileName(noteV1)), renderJsonSchema(noteV1));
    // the committed v2 is "v1 under the v2 name": the contract changed since it was published
    writeFileSync(join(dir, jsonSchemaFileName(noteV2)), renderJsonSchema(noteV1));
    writeFileSync(join(dir, 'hearth.timeline.note-removed.v1.schema.json'), '{}');
    writeFileSync(join(dir, 'README.md'), 'not a schema');

    const { checks, orphans } = verifyJsonSchemas(dir, [noteV1, noteV2]);
    expect(checks.map((c) => [c.file, c.status])).toEqual([
      ['hearth.timeline.note-added.v1.schema.json', 'unchanged'],
      ['hearth.timeline.note-added.v2.schema.json', 'changed'],
    ]);
    expect(checks[1]!.differences).toEqual(
      expect.arrayContaining([
        'changed /properties/version/const: 1 → 2',
        'changed /title: "hearth.timeline.note-added.v1" → "hearth.timeline.note-added.v2"',
        'added /properties/data/properties/pinned: {"type":"boolean"}',
      ]),
    );
    expect(orphans).toEqual(['hearth.timeline.note-removed.v1.schema.json']);

    rmSync(join(dir, jsonSchemaFileName(noteV1)));
    expect(verifyJsonSchemas(dir, [noteV1]).checks[0]!.status).toBe('missing');
  });

  it('treats a directory that does not exist as empty', () => {
    expect(verifyJsonSchemas(join(dir, 'absent'), [noteV1]).checks[0]!.status).toBe('missing');
  });

  it('reports an unreadable committed file as changed', () => {
    writeFileSync(join(dir, jsonSchemaFileName(noteV1)), '{ not json');
    const [check] = verifyJsonSchemas(dir, [noteV1]).checks;
    expect(check!.status).toBe('changed');
    expect(check!.differences[0]).toMatch(/^\(file\) is not valid JSON/);
  });
});

describe('optional extensions of a published version', () => {
  const define = (data: z.ZodObject, example: Record<string, unknown>) =>
    defineEvent({ type: 'hearth.timeline.note-added', version: 1, description: 'A note was added.', data, example });
  const published = define(z.object({ noteId: z.string().min(1), author: z.object({ id: z.string() }) }), { noteId: 'n', author: { id: 'a' } });

  it('accepts new optional fields, also nested ones', () => {
    const added = define(
      z.object({ noteId: z.string().min(1), pinned: z.boolean().optional(), author: z.object({ id: z.string(), name: z.string().optional() }) }),
      { noteId: 'n', author: { id: 'a' } },
    );
    expect(isOptionalExtension(published.toJsonSchema(), added.toJsonSchema())).toBe(true);
  });

  it.each([
    ['a new required field', z.object({ noteId: z.string().min(1), pinned: z.boolean(), author: z.object({ id: z.string() }) }), { noteId: 'n', pinned: true, author: { id: 'a' } }],
    ['a removed field', z.object({ noteId: z.string().min(1) }), { noteId: 'n' }],
    ['a changed type', z.object({ noteId: z.number(), author: z.object({ id: z.string() }) }), { noteId: 1, author: { id: 'a' } }],
    ['a tightened constraint', z.object({ noteId: z.string().min(3), author: z.object({ id: z.string() }) }), { noteId: 'nnn', author: { id: 'a' } }],
    ['a field made optional', z.object({ noteId: z.string().min(1).optional(), author: z.object({ id: z.string() }) }), { author: { id: 'a' } }],
  ])('rejects %s', (_label, data, example) => {
    expect(isOptionalExtension(published.toJsonSchema(), define(data as z.ZodObject, example).toJsonSchema())).toBe(false);
  });

  it('reports "extended" and refreshes only such files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-contracts-'));
    try {
      const extended = define(
        z.object({ noteId: z.string().min(1), pinned: z.boolean().optional(), author: z.object({ id: z.string() }) }),
        { noteId: 'n', author: { id: 'a' } },
      );
      writeFileSync(join(dir, jsonSchemaFileName(published)), renderJsonSchema(published));
      expect(verifyJsonSchemas(dir, [extended]).checks[0]!.status).toBe('extended');
      expect(refreshExtendedJsonSchemas(dir, [extended])).toEqual([jsonSchemaFileName(extended)]);
      expect(verifyJsonSchemas(dir, [extended]).checks[0]!.status).toBe('unchanged');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('jsonDifferences', () => {
  it('lists added, removed and changed JSON Pointers', () => {
    expect(jsonDifferences({ a: 1, b: { 'c/d': [1, 2] }, gone: true }, { a: 2, b: { 'c/d': [1, 3] }, new: 'x' })).toEqual([
      'changed /a: 1 → 2',
      'changed /b/c~1d/1: 2 → 3',
      'removed /gone',
      'added /new: "x"',
    ]);
    expect(jsonDifferences({ a: [1] }, { a: [1] })).toEqual([]);
    expect(jsonDifferences([1], { 0: 1 })).toEqual(['changed /: [1] → {"0":1}']);
  });
});

describe('jsonEqual', () => {
  it('compares structure, ignoring key order', () => {
    expect(jsonEqual({ a: [1, { b: null }], c: 'x' }, { c: 'x', a: [1, { b: null }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({}, [])).toBe(false);
  });
});
