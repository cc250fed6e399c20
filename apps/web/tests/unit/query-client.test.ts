import { describe, expect, it } from "vitest";

import { ApiError } from "@/lib/api-error";
import { MAX_RETRIES, RETRY_MAX_DELAY_MS, isRetryable, makeQueryClient, retryDelay, shouldRetry } from "@/lib/query-client";

const error = (status: number, code: string) => new ApiError(status, { error_code: code, detail: code });

describe("retry policy", () => {
  it.each([
    [error(401, "token_expired"), true],
    [error(409, "conflict"), true],
    [error(429, "rate_limited"), true],
    [error(500, "internal_error"), true],
    [error(503, "unavailable"), true],
    [new TypeError("Failed to fetch"), true],
    [error(400, "invalid_request"), false],
    [error(401, "token_invalid"), false],
    [error(401, "not_authenticated"), false],
    [error(403, "insufficient_scope"), false],
    [error(404, "not_found"), false],
    [error(422, "validation_error"), false],
    [new Error("bug"), false],
  ])("%s → retry %s", (failure, expected) => {
    expect(isRetryable(failure)).toBe(expected);
  });

  it("gives up after a bounded number of retries", () => {
    const failure = error(503, "unavailable");
    expect(shouldRetry(MAX_RETRIES - 1, failure)).toBe(true);
    expect(shouldRetry(MAX_RETRIES, failure)).toBe(false);
  });

  it("backs off exponentially with jitter, within a ceiling", () => {
    expect([0, 1, 2].map((attempt) => retryDelay(attempt, () => 0))).toEqual([100, 200, 400]);
    expect([0, 1, 2].map((attempt) => retryDelay(attempt, () => 1))).toEqual([200, 400, 800]);
    expect(retryDelay(20, () => 1)).toBe(RETRY_MAX_DELAY_MS);
  });

  it("is what every query uses; mutations are never retried", () => {
    const defaults = makeQueryClient().getDefaultOptions();
    expect(defaults.queries?.retry).toBe(shouldRetry);
    expect(defaults.mutations?.retry).toBe(false);
  });
});
