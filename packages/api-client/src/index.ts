// Public surface of @baton/api-client. Everything under ./generated is produced by `make generate`
// from openapi.json; this file and errors.ts are the only hand-written modules.
export * from './generated/index.js';
export { client } from './generated/client.gen.js';
export { createClient, createConfig } from './generated/client/index.js';
export type { Client, Config, RequestResult } from './generated/client/index.js';
export { apiErrorCode, isApiErrorBody } from './errors.js';
export type { ApiErrorBody } from './errors.js';
