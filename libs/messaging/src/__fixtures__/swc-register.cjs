/* eslint-disable @typescript-eslint/no-require-imports */
// Lets a child process started by a test run this repository's TypeScript sources as Jest does:
// @swc/core transpiles each .ts file to CommonJS when it is loaded, and @hearth/<lib> resolves to
// libs/<lib>/src/index.ts (Jest's moduleNameMapper), so no build step is needed first.
// Usage: node -r <this file> <script>.ts
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const root = join(__dirname, '..', '..', '..', '..');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveHearth(request, ...rest) {
  const lib = /^@hearth\/([^/]+)$/.exec(request);
  return lib ? join(root, 'libs', lib[1], 'src', 'index.ts') : resolveFilename.call(this, request, ...rest);
};
Module._extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
