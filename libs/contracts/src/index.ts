export {
  ContractError,
  ContractValidationError,
  InvalidContractDefinitionError,
  DuplicateContractError,
  UnknownContractError,
} from './errors';
export type { ContractIssue } from './errors';
export type { ContractParseResult } from './validation';
export {
  EVENT_TYPE_PATTERN,
  SERVICE_NAME_PATTERN,
  SUBJECT_PATTERN,
  integrationEventSchema,
  parseEnvelope,
  safeParseEnvelope,
  subjectOf,
  parseSubject,
} from './envelope';
export type { IntegrationEvent, AnyIntegrationEvent, SubjectOf } from './envelope';
export { defineEvent } from './define-event';
export type {
  AnyEventContract,
  CreateEventInput,
  EventContract,
  EventDefinition,
  EventOf,
  JsonSchema,
} from './define-event';
export { createContractRegistry } from './contract-registry';
export type { ContractRegistry } from './contract-registry';
export {
  JSON_SCHEMA_FILE_SUFFIX,
  exportJsonSchemas,
  jsonDifferences,
  jsonEqual,
  jsonSchemaFileName,
  renderJsonSchema,
  verifyJsonSchemas,
} from './json-schema';
export type { ExportJsonSchemasResult, JsonSchemaCheck, JsonSchemaVerification } from './json-schema';
export * from './events';
export * from './rpc/customer-profile.rpc';
