import { join } from 'node:path';
import { exportJsonSchemas, refreshExtendedJsonSchemas, verifyJsonSchemas } from '../json-schema';
import { allContracts } from './index';

/**
 * A published contract version is frozen except for new optional fields: its JSON Schema must stay what
 * was committed under libs/contracts/schemas/, or only add optional properties.
 * `UPDATE_CONTRACT_SCHEMAS=1 npx jest libs/contracts` writes the files of brand-new versions and
 * refreshes the files of versions that only gained optional fields; it never rewrites any other file.
 */
const schemasDir = join(__dirname, '..', '..', 'schemas');
const relativeDir = 'libs/contracts/schemas';

if (process.env.UPDATE_CONTRACT_SCHEMAS === '1') {
  exportJsonSchemas(schemasDir, allContracts);
  refreshExtendedJsonSchemas(schemasDir, allContracts);
}

const { checks, orphans } = verifyJsonSchemas(schemasDir, allContracts);

describe('published contract versions are frozen', () => {
  it.each(checks.map((check) => [check.contract.subject, check] as const))('%s matches its committed JSON Schema', (_subject, check) => {
    const { type, version } = check.contract;
    if (check.status === 'missing') {
      throw new Error(
        `contract ${type} v${version} has no committed JSON Schema (${relativeDir}/${check.file}). ` +
          'If this is a brand-new version, run `UPDATE_CONTRACT_SCHEMAS=1 npx jest libs/contracts` ' +
          '(it writes missing files only, never overwrites existing ones) and commit the new file.',
      );
    }
    if (check.status === 'extended') {
      throw new Error(
        `contract ${type} v${version} gained optional fields, which a published version allows. Record them: ` +
          '`UPDATE_CONTRACT_SCHEMAS=1 npx jest libs/contracts`, then commit the refreshed file.\n' +
          `Differences (committed → now):\n  ${check.differences.join('\n  ')}`,
      );
    }
    if (check.status === 'changed') {
      throw new Error(
        `contract ${type} v${version} changed: published versions are frozen (only new optional fields are allowed); add a new version instead ` +
          `(a new file ${type.split('.')[2]}.v${version + 1}.ts next to the old one, added to allContracts, ` +
          'then `UPDATE_CONTRACT_SCHEMAS=1 npx jest libs/contracts` to write its schema file).\n' +
          `Committed: ${relativeDir}/${check.file}\nDifferences (committed → now):\n  ${check.differences.join('\n  ')}`,
      );
    }
    expect(check.status).toBe('unchanged');
  });

  it('has no committed schema file without a contract in allContracts', () => {
    if (orphans.length > 0) {
      throw new Error(
        `${orphans.map((f) => `${relativeDir}/${f}`).join(', ')} no longer match any contract in allContracts. ` +
          'A published version stays in the catalogue until every consumer has moved; when it is retired, delete its file too.',
      );
    }
  });

  it('covers every contract of the catalogue', () => {
    expect(checks).toHaveLength(allContracts.length);
    expect(allContracts.length).toBeGreaterThan(0);
  });
});
