/**
 * Server-side refresh, deduplicated per refresh token inside this Next server process.
 *
 * Two tabs, or a tab's parallel session updates, may present the same single-use refresh token at
 * the same moment. They share one request to the API, and a caller that arrives shortly after it
 * settled (its cookie was read before the new one was written) gets the same result instead of
 * spending the token again. The API's grace window covers the rest (several Next processes).
 */
import { isFatal, type GrantResult } from "@/auth/api";

/** Keep a settled result this long for late arrivals; well inside the API's 10 s grace window. */
export const SETTLED_RESULT_TTL_MS = 5_000;

type Entry = { promise: Promise<GrantResult>; settledAt?: number };

// One map per server process, shared by every bundle that imports this module (route handlers
// and the proxy are compiled separately, so module scope alone would give each its own map).
const registry = globalThis as typeof globalThis & { __batonRefreshes?: Map<string, Entry> };
const entries: Map<string, Entry> = (registry.__batonRefreshes ??= new Map());

export type SendRefresh = (refreshToken: string) => Promise<GrantResult>;

export function refreshOnce(refreshToken: string, send: SendRefresh, now: () => number = Date.now): Promise<GrantResult> {
  prune(now());
  const existing = entries.get(refreshToken);
  if (existing) return existing.promise;

  const entry: Entry = {
    promise: send(refreshToken).then(
      (result) => {
        // Successes and final answers are shared; a transient failure (429, 5xx, unreachable API)
        // is not remembered, so the next caller tries again.
        if (result.ok || isFatal(result)) entry.settledAt = now();
        else entries.delete(refreshToken);
        return result;
      },
      (error: unknown) => {
        entries.delete(refreshToken);
        throw error;
      },
    ),
  };
  entries.set(refreshToken, entry);
  return entry.promise;
}

function prune(at: number): void {
  for (const [token, entry] of entries) {
    if (entry.settledAt !== undefined && at - entry.settledAt > SETTLED_RESULT_TTL_MS) entries.delete(token);
  }
}

/** For tests: forget every remembered refresh. */
export function resetRefreshes(): void {
  entries.clear();
}
