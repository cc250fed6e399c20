/**
 * Server-side calls to the API's OAuth endpoints, through the generated client, on behalf of the
 * browser whose request is being served (its address is passed on: see `forwardedFor`).
 */
import {
  apiErrorCode,
  authRevoke,
  authToken,
  createClient,
  createConfig,
  usersReadMe,
  type Client,
  type Token,
  type TokenResponse,
  type UserRead,
} from "@baton/api-client";
import { headers } from "next/headers";

import { serverEnv } from "@/env";

export type GrantFailure = {
  ok: false;
  /** HTTP status, or 0 when the API could not be reached. */
  status: number;
  errorCode?: string;
  description?: string;
};
export type GrantResult = { ok: true; tokens: TokenResponse } | GrantFailure;

let serverClient: Client | undefined;

function api(): Client {
  serverClient ??= createClient(createConfig({ baseUrl: serverEnv().apiUrl }));
  return serverClient;
}

/** The API reads no more hops of `X-Forwarded-For` than this; pass on no more either. */
export const MAX_FORWARDED_HOPS = 32;

/**
 * The browser's address chain as this server received it, to pass on in `X-Forwarded-For`.
 *
 * Every sign-in and refresh of the web app reaches the API from this server; without the chain the
 * API's per-IP budgets would count all web users as one client. The API believes the header only
 * from its `BATON_TRUSTED_PROXIES`, which must list this server. Next.js puts the socket's address
 * here when a request arrives without the header, and keeps the chain a reverse proxy in front of
 * it wrote (so in production a proxy must set it: see SECURITY.md).
 */
export function forwardedFor(incoming: Pick<Headers, "get">): string | undefined {
  const hops = (incoming.get("x-forwarded-for") ?? "")
    .split(",")
    .map((hop) => hop.trim())
    .filter(Boolean);
  return hops.length > 0 ? hops.slice(-MAX_FORWARDED_HOPS).join(", ") : undefined;
}

async function forwardingHeaders(): Promise<Record<string, string>> {
  let incoming: Pick<Headers, "get">;
  try {
    incoming = await headers();
  } catch {
    return {}; // called outside a request (scripts, tests): there is no browser to speak for
  }
  const chain = forwardedFor(incoming);
  return chain ? { "X-Forwarded-For": chain } : {};
}

/** RFC 6749 §5.2: `invalid_grant` (and any other 4xx but 429) will not succeed on a retry. */
export function isFatal(failure: GrantFailure): boolean {
  return failure.status >= 400 && failure.status < 500 && failure.status !== 429;
}

async function grant(body: Token): Promise<GrantResult> {
  try {
    const { data, error, response } = await authToken({
      client: api(),
      body,
      cache: "no-store",
      headers: await forwardingHeaders(),
    });
    if (data) return { ok: true, tokens: data };
    const description =
      typeof error === "object" && error !== null && "error_description" in error
        ? String(error.error_description)
        : undefined;
    return { ok: false, status: response?.status ?? 0, errorCode: apiErrorCode(error), description };
  } catch (cause) {
    console.error("[baton/web] token endpoint unreachable", cause);
    return { ok: false, status: 0 };
  }
}

export function passwordGrant(email: string, password: string): Promise<GrantResult> {
  return grant({ grant_type: "password", username: email, password });
}

export function refreshGrant(refreshToken: string): Promise<GrantResult> {
  return grant({ grant_type: "refresh_token", refresh_token: refreshToken });
}

export async function readMe(accessToken: string): Promise<UserRead> {
  const { data } = await usersReadMe({
    client: api(),
    auth: accessToken,
    throwOnError: true,
    cache: "no-store",
    headers: await forwardingHeaders(),
  });
  return data;
}

/** RFC 7009: revoking the refresh token ends the whole session on the API. */
export async function revoke(refreshToken: string): Promise<void> {
  await authRevoke({
    client: api(),
    body: { token: refreshToken, token_type_hint: "refresh_token" },
    throwOnError: true,
    headers: await forwardingHeaders(),
  });
}
