/** Shapes shared by the browser and the Next server (no server-only imports here). */

/** What a tab sends with NextAuth's `update()` after the API answered 401 `token_expired`. */
export type StaleTokenReport = { staleAccessToken: string };

export function isStaleTokenReport(value: unknown): value is StaleTokenReport {
  return typeof value === "object" && value !== null && typeof (value as StaleTokenReport).staleAccessToken === "string";
}

/** Where a tab goes when its session cannot be refreshed any more. */
export const SESSION_EXPIRED_URL = "/login?error=SessionExpired";
