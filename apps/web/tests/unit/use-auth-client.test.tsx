// @vitest-environment jsdom
import { renderHook } from "@testing-library/react";
import type { Session } from "next-auth";
import type { ReactNode } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("next-auth/react", () => ({ useSession: vi.fn(), signOut: vi.fn(), getSession: vi.fn() }));

const API = "http://api.test";
const EXPIRED = "access-token-expired";
const FRESH = "access-token-fresh";
const USER = { id: "0b7c1f6e-1d1f-4b7e-9a57-0c1f1f1f1f1f", email: "ada@example.com", is_admin: false, created_at: "2026-01-01T00:00:00Z" };

function session(accessToken: string | null, extra: Partial<Session> = {}): Session {
  return {
    expires: "2099-01-01T00:00:00.000Z",
    user: { id: USER.id, email: USER.email },
    accessToken,
    accessTokenExpires: Date.now() + 60_000,
    accessTokenLifetime: 300_000,
    scopes: ["user"],
    rotations: 0,
    ...extra,
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Load the hook fresh: its single-flight state lives in module scope, one per browser tab. */
async function setup(currentSession: Session | null, update: (data: unknown) => Promise<Session | null | undefined>) {
  vi.resetModules();
  const nextAuth = await import("next-auth/react");
  const { useAuthClient } = await import("@/lib/use-auth-client");
  const { ApiConfigProvider } = await import("@/lib/api-config");
  const sdk = await import("@baton/api-client");
  const updateMock = vi.fn(update);
  vi.mocked(nextAuth.useSession).mockReturnValue({
    data: currentSession,
    status: currentSession ? "authenticated" : "unauthenticated",
    update: updateMock,
  } as unknown as ReturnType<typeof nextAuth.useSession>);
  const wrapper = ({ children }: { children: ReactNode }) => <ApiConfigProvider baseUrl={API}>{children}</ApiConfigProvider>;
  const { result } = renderHook(() => useAuthClient(), { wrapper });
  return { client: result.current, update: updateMock, signOut: vi.mocked(nextAuth.signOut), sdk };
}

describe("useAuthClient", () => {
  let fetchMock: ReturnType<typeof vi.fn<(request: Request) => Promise<Response>>>;

  beforeEach(() => {
    fetchMock = vi.fn<(request: Request) => Promise<Response>>();
    vi.stubGlobal("fetch", fetchMock);
  });

  it("sends the session's access token as a bearer token", async () => {
    fetchMock.mockResolvedValue(json(200, USER));
    const { client, sdk } = await setup(session(FRESH), async () => session(FRESH));
    const { data } = await sdk.usersReadMe({ client });
    expect(data).toEqual(USER);
    const request = fetchMock.mock.calls[0]![0];
    expect(request.url).toBe(`${API}/users/me`);
    expect(request.headers.get("Authorization")).toBe(`Bearer ${FRESH}`);
  });

  it("turns 20 parallel 401 token_expired into exactly one session update, then all 20 succeed on replay", async () => {
    let expiredAnswers = 0;
    fetchMock.mockImplementation(async (request) => {
      const token = request.headers.get("Authorization");
      if (token === `Bearer ${FRESH}`) return json(200, USER);
      // Spread the 401s out: some arrive while the update runs, some after it has settled.
      await delay((expiredAnswers++ % 10) * 4);
      return json(401, { error_code: "token_expired", detail: "The access token has expired." });
    });
    const { client, update, signOut, sdk } = await setup(session(EXPIRED), async () => {
      await delay(15);
      return session(FRESH, { rotations: 1 });
    });

    const results = await Promise.all(Array.from({ length: 20 }, () => sdk.usersReadMe({ client })));

    expect(update).toHaveBeenCalledTimes(1);
    expect(update).toHaveBeenCalledWith({ staleAccessToken: EXPIRED });
    expect(results.map((result) => result.data)).toEqual(Array.from({ length: 20 }, () => USER));
    expect(results.every((result) => result.error === undefined)).toBe(true);
    // Each call went out once with the expired token and was replayed once with the fresh one.
    const sent = fetchMock.mock.calls.map(([request]) => request.headers.get("Authorization"));
    expect(sent.filter((header) => header === `Bearer ${EXPIRED}`)).toHaveLength(20);
    expect(sent.filter((header) => header === `Bearer ${FRESH}`)).toHaveLength(20);
    expect(signOut).not.toHaveBeenCalled();
  });

  it("replays a call once: a replay that is refused again is handed back, not looped", async () => {
    fetchMock.mockImplementation(async () => json(401, { error_code: "token_expired", detail: "expired" }));
    const { client, update, signOut, sdk } = await setup(session(EXPIRED), async () => session(FRESH, { rotations: 1 }));

    const results = await Promise.all(Array.from({ length: 3 }, () => sdk.usersReadMe({ client })));

    expect(update).toHaveBeenCalledTimes(1);
    expect(fetchMock).toHaveBeenCalledTimes(6); // each call: the original and one replay
    const sent = fetchMock.mock.calls.map(([request]) => request.headers.get("Authorization"));
    expect(sent.filter((header) => header === `Bearer ${FRESH}`)).toHaveLength(3);
    for (const { error } of results) expect(error).toMatchObject({ status: 401, body: { error_code: "token_expired" } });
    expect(signOut).not.toHaveBeenCalled();
  });

  it("replays a request body unchanged", async () => {
    fetchMock.mockImplementation(async (request) => {
      if (request.headers.get("Authorization") === `Bearer ${FRESH}`) return json(200, { echoed: await request.text() });
      return json(401, { error_code: "token_expired", detail: "expired" });
    });
    const { client, update } = await setup(session(EXPIRED), async () => session(FRESH));
    const { data } = await client.post<{ 200: { echoed: string } }>({
      url: "/echo",
      security: [{ scheme: "bearer", type: "http" }],
      body: { hello: "world" },
      headers: { "Content-Type": "application/json" },
    });
    expect(data).toEqual({ echoed: JSON.stringify({ hello: "world" }) });
    expect(update).toHaveBeenCalledTimes(1);
  });

  it("signs out to /login with a message when the refresh is refused (invalid_grant)", async () => {
    fetchMock.mockImplementation(async () => json(401, { error_code: "token_expired", detail: "expired" }));
    const { client, update, signOut, sdk } = await setup(session(EXPIRED), async () =>
      session(null, { error: "RefreshTokenRejected" }),
    );

    const results = await Promise.all(Array.from({ length: 5 }, () => sdk.usersReadMe({ client })));

    expect(update).toHaveBeenCalledTimes(1);
    expect(signOut).toHaveBeenCalledTimes(1);
    expect(signOut).toHaveBeenCalledWith({ callbackUrl: "/login?error=SessionExpired" });
    expect(fetchMock).toHaveBeenCalledTimes(5); // nothing replayed without a token
    for (const { error } of results) {
      expect(error).toMatchObject({ status: 401, body: { error_code: "token_expired" } });
    }
  });

  it.each([
    [403, { error_code: "insufficient_scope", detail: "This needs the admin scope." }],
    [422, { error_code: "validation_error", detail: [{ loc: ["body", "password"], msg: "too short", type: "string_too_short" }] }],
  ])("passes a %i through untouched: no session update, no replay, no sign-out", async (status, body) => {
    fetchMock.mockResolvedValue(json(status, body));
    const { client, update, signOut, sdk } = await setup(session(FRESH), async () => session(FRESH));

    const { data, error, response } = await sdk.usersReadMe({ client });

    expect(data).toBeUndefined();
    expect(response.status).toBe(status);
    expect(error).toMatchObject({ status, body });
    expect((error as unknown as { body: unknown }).body).toEqual(body);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(update).not.toHaveBeenCalled();
    expect(signOut).not.toHaveBeenCalled();
  });

  it("does not refresh for a 401 that refreshing cannot fix (token_invalid)", async () => {
    fetchMock.mockResolvedValue(json(401, { error_code: "token_invalid", detail: "bad signature" }));
    const { client, update, sdk } = await setup(session(FRESH), async () => session(FRESH));
    const { error } = await sdk.usersReadMe({ client });
    expect(error).toMatchObject({ status: 401, body: { error_code: "token_invalid" } });
    expect(update).not.toHaveBeenCalled();
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it("gives the call back unreplayed when the session could not be updated (transient), for the retry policy", async () => {
    fetchMock.mockResolvedValue(json(401, { error_code: "token_expired", detail: "expired" }));
    const { client, update, signOut, sdk } = await setup(session(EXPIRED), async () => session(EXPIRED));
    const { error } = await sdk.usersReadMe({ client });
    expect(error).toMatchObject({ status: 401, body: { error_code: "token_expired" } });
    expect(update).toHaveBeenCalledTimes(1);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(signOut).not.toHaveBeenCalled();
  });
});
