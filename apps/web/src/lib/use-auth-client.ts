"use client";

/**
 * `useAuthClient()`: the generated API client, signed in as the current session.
 *
 * Every request carries `Authorization: Bearer <access token>`. When the API answers 401
 * `token_expired`, the call waits for **one** session update shared by every concurrent call in this
 * tab (the Next server then rotates the refresh token, at most once per token), and replays itself
 * once with the new access token. When the session cannot be refreshed (`invalid_grant`), the tab
 * signs out to `/login` with a message. Every other answer (403, 422, …) passes through untouched.
 */
import { createClient, createConfig, type Client } from "@baton/api-client";
import type { Session } from "next-auth";
import { getSession, signOut, useSession } from "next-auth/react";
import { useLayoutEffect, useMemo, useRef } from "react";

import { SESSION_EXPIRED_URL, type StaleTokenReport } from "@/auth/shared";
import { useApiBaseUrl } from "@/lib/api-config";
import { ApiError } from "@/lib/api-error";

export type SessionUpdateOutcome = "refreshed" | "unchanged" | "ended";

/** What happened to a call, for pictures like the race lab's timeline. Times: `performance.now()`. */
export type AuthClientEvent =
  | {
      type: "attempt";
      callId: number;
      lane?: unknown;
      attempt: 1 | 2;
      startedAt: number;
      endedAt: number;
      status: number;
      errorCode?: string;
    }
  | { type: "wait"; callId: number; lane?: unknown; startedAt: number; endedAt: number; fresh: boolean }
  | { type: "session-update"; startedAt: number; endedAt: number; outcome: SessionUpdateOutcome };

export type UseAuthClientOptions = { onEvent?: (event: AuthClientEvent) => void };

type SessionUpdate = (data: StaleTokenReport) => Promise<Session | null | undefined>;

type Dependencies = {
  accessToken: () => string | null;
  update: SessionUpdate;
  emit: (event: AuthClientEvent) => void;
};

// One browser tab = one module instance: the in-flight session update is shared by every hook.
let inFlightUpdate: Promise<string | null> | null = null;
/** The last rotation this tab saw, for calls that fail with the old token after it settled. */
let lastRotation: { stale: string; fresh: string } | null = null;
let signingOut = false;
let nextCallId = 0;
const requestLanes = new WeakMap<Request, unknown>();

function endSession(): void {
  if (signingOut) return;
  signingOut = true;
  void signOut({ callbackUrl: SESSION_EXPIRED_URL });
}

function newest(token: string | null): string | null {
  return token !== null && lastRotation?.stale === token ? lastRotation.fresh : token;
}

async function updateSession(stale: string, deps: Dependencies): Promise<string | null> {
  const startedAt = performance.now();
  let outcome: SessionUpdateOutcome = "unchanged";
  let fresh: string | null = null;
  try {
    // NextAuth's update() resolves to undefined while the provider is loading: ask the endpoint then.
    let session = await deps.update({ staleAccessToken: stale });
    if (session === undefined) session = await getSession();
    if (!session || session.error) {
      outcome = "ended";
    } else if (session.accessToken && session.accessToken !== stale) {
      outcome = "refreshed";
      fresh = session.accessToken;
      lastRotation = { stale, fresh };
    }
  } catch (error) {
    console.warn("[baton/web] session update failed", error);
  } finally {
    deps.emit({ type: "session-update", startedAt, endedAt: performance.now(), outcome });
  }
  if (outcome === "ended") endSession();
  return fresh;
}

/** A token that replaces `stale`, or null. Concurrent callers share one session update. */
function freshAccessToken(stale: string, deps: Dependencies): Promise<string | null> {
  const known = newest(deps.accessToken());
  if (known !== null && known !== stale) return Promise.resolve(known);
  inFlightUpdate ??= updateSession(stale, deps).finally(() => {
    inFlightUpdate = null;
  });
  return inFlightUpdate;
}

function bearerToken(request: Request): string | null {
  const header = request.headers.get("Authorization");
  return header?.startsWith("Bearer ") ? header.slice("Bearer ".length) : null;
}

async function errorCode(response: Response): Promise<string | undefined> {
  try {
    const body: unknown = await response.clone().json();
    const code = (body as { error_code?: unknown } | null)?.error_code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}

async function attempt(
  request: Request,
  callId: number,
  lane: unknown,
  number: 1 | 2,
  deps: Dependencies,
): Promise<Response> {
  const startedAt = performance.now();
  const response = await globalThis.fetch(request);
  const code = response.ok ? undefined : await errorCode(response);
  deps.emit({ type: "attempt", callId, lane, attempt: number, startedAt, endedAt: performance.now(), status: response.status, errorCode: code });
  return response;
}

async function authFetch(request: Request, deps: Dependencies): Promise<Response> {
  const callId = ++nextCallId;
  const lane = requestLanes.get(request);
  const sent = bearerToken(request);
  const replayable = sent === null ? null : request.clone();

  const first = await attempt(request, callId, lane, 1, deps);
  if (replayable === null || sent === null || first.status !== 401 || (await errorCode(first)) !== "token_expired") {
    return first;
  }

  const waitStarted = performance.now();
  const fresh = await freshAccessToken(sent, deps);
  deps.emit({ type: "wait", callId, lane, startedAt: waitStarted, endedAt: performance.now(), fresh: fresh !== null });
  if (fresh === null) return first; // the retry policy (or the sign-out) takes it from here

  const headers = new Headers(replayable.headers);
  headers.set("Authorization", `Bearer ${fresh}`);
  return attempt(new Request(replayable, { headers }), callId, lane, 2, deps);
}

export function createAuthClient(baseUrl: string, deps: Dependencies): Client {
  const client = createClient(
    createConfig({
      baseUrl,
      auth: () => newest(deps.accessToken()) ?? undefined,
      fetch: ((request: Request) => authFetch(request, deps)) as typeof fetch,
    }),
  );
  client.interceptors.request.use((request, options) => {
    const lane = (options as { meta?: { lane?: unknown } }).meta?.lane;
    if (lane !== undefined) requestLanes.set(request, lane);
    return request;
  });
  // Keep the API's body as it is, add the status (a thrown body alone cannot tell 403 from 503).
  client.interceptors.error.use((error, response) => (response ? new ApiError(response.status, error) : error));
  return client;
}

export function useAuthClient(options: UseAuthClientOptions = {}): Client {
  const baseUrl = useApiBaseUrl();
  const { data: session, update } = useSession();
  const accessToken = session?.accessToken ?? null;
  const sessionError = session?.error;

  const tokenRef = useRef(accessToken);
  const updateRef = useRef<SessionUpdate>(update);
  const onEventRef = useRef(options.onEvent);
  // Layout effects run before any query's effect, so a call never leaves with a token older than the session.
  useLayoutEffect(() => {
    tokenRef.current = accessToken;
    updateRef.current = update;
    onEventRef.current = options.onEvent;
  });
  useLayoutEffect(() => {
    if (sessionError) endSession();
  }, [sessionError]);

  return useMemo(
    () =>
      createAuthClient(baseUrl, {
        accessToken: () => tokenRef.current,
        update: (data) => updateRef.current(data),
        emit: (event) => onEventRef.current?.(event),
      }),
    [baseUrl],
  );
}
