import { apiErrorCode } from "@baton/api-client";

/**
 * A non-2xx answer from the API. `body` is the API's JSON exactly as sent (every Baton error body
 * carries a stable `error_code`); the status is kept so retry policies can tell 4xx from 5xx.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(status: number, body: unknown) {
    const code = apiErrorCode(body);
    super(code ? `API ${status}: ${code}` : `API ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
  }

  /** The API's stable `error_code`, when the body has one. */
  get code(): string | undefined {
    return apiErrorCode(this.body);
  }
}

/** A human-readable message for an error body: `detail` / `error_description`, else the code. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const body = error.body as { detail?: unknown; error_description?: unknown } | null;
    if (typeof body?.detail === "string") return body.detail;
    if (typeof body?.error_description === "string") return body.error_description;
    return error.code ?? `The API answered ${error.status}.`;
  }
  if (error instanceof TypeError) return "The API could not be reached.";
  return error instanceof Error ? error.message : String(error);
}
