import { QueryClient, isServer } from "@tanstack/react-query";

import { ApiError } from "@/lib/api-error";

declare module "@tanstack/react-query" {
  interface Register {
    defaultError: ApiError | Error;
  }
}

export const MAX_RETRIES = 3;
export const RETRY_BASE_DELAY_MS = 200;
export const RETRY_MAX_DELAY_MS = 4_000;

/**
 * Retry only what can succeed on a second try: an auth race that the replay did not settle
 * (401 `token_expired`), conflicts, rate limits, server errors and network failures. Any other 4xx
 * is an answer, not an accident.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ApiError) {
    if (error.status === 401) return error.code === "token_expired";
    return error.status === 409 || error.status === 429 || error.status >= 500;
  }
  return error instanceof TypeError; // fetch's network failure
}

export function shouldRetry(failureCount: number, error: unknown): boolean {
  return failureCount < MAX_RETRIES && isRetryable(error);
}

/** Exponential backoff with jitter (half fixed, half random), so racing tabs spread out. */
export function retryDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: shouldRetry,
        retryDelay: (attempt) => retryDelay(attempt),
      },
      mutations: { retry: false },
    },
  });
}

let browserQueryClient: QueryClient | undefined;

/** A fresh client per server render (no data shared between requests), one per browser tab. */
export function getQueryClient(): QueryClient {
  if (isServer) return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}
