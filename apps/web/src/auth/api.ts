/** Server-side calls to the API's OAuth endpoints, through the generated client. */
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

/** RFC 6749 §5.2: `invalid_grant` (and any other 4xx but 429) will not succeed on a retry. */
export function isFatal(failure: GrantFailure): boolean {
  return failure.status >= 400 && failure.status < 500 && failure.status !== 429;
}

async function grant(body: Token): Promise<GrantResult> {
  try {
    const { data, error, response } = await authToken({ client: api(), body, cache: "no-store" });
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
  const { data } = await usersReadMe({ client: api(), auth: accessToken, throwOnError: true, cache: "no-store" });
  return data;
}

/** RFC 7009: revoking the refresh token ends the whole session on the API. */
export async function revoke(refreshToken: string): Promise<void> {
  await authRevoke({
    client: api(),
    body: { token: refreshToken, token_type_hint: "refresh_token" },
    throwOnError: true,
  });
}
