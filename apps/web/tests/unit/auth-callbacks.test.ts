import type { Session } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@/auth/api", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/auth/api")>()),
  refreshGrant: vi.fn(),
}));

import { refreshGrant } from "@/auth/api";
import { jwtCallback, sessionCallback } from "@/auth/options";
import { resetRefreshes } from "@/auth/refresh";

const NOW = 1_800_000_000_000;

function token(overrides: Partial<JWT> = {}): JWT {
  return {
    sub: "user-1",
    email: "ada@example.com",
    accessToken: "at-0",
    accessTokenExpires: NOW + 60_000,
    accessTokenLifetime: 300_000,
    refreshToken: "rt-0",
    scopes: ["user"],
    rotations: 0,
    ...overrides,
  };
}

describe("jwt callback", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
    resetRefreshes();
  });

  it("keeps a token that is not close to expiry", async () => {
    expect(await jwtCallback({ token: token() })).toEqual(token());
    expect(refreshGrant).not.toHaveBeenCalled();
  });

  it("rotates shortly before expiry and counts the rotation", async () => {
    vi.mocked(refreshGrant).mockResolvedValue({
      ok: true,
      tokens: { access_token: "at-1", token_type: "bearer", expires_in: 300, refresh_token: "rt-1", scope: "user admin" },
    });
    const next = await jwtCallback({ token: token({ accessTokenExpires: NOW + 5_000 }) });
    expect(refreshGrant).toHaveBeenCalledWith("rt-0");
    expect(next).toMatchObject({ accessToken: "at-1", refreshToken: "rt-1", accessTokenExpires: NOW + 300_000, scopes: ["user", "admin"], rotations: 1 });
  });

  it("rotates when a tab reports that exactly this access token was rejected", async () => {
    vi.mocked(refreshGrant).mockResolvedValue({
      ok: true,
      tokens: { access_token: "at-1", token_type: "bearer", expires_in: 300, refresh_token: "rt-1", scope: "user" },
    });
    const stale = await jwtCallback({ token: token(), trigger: "update", session: { staleAccessToken: "at-older" } });
    expect(stale.accessToken).toBe("at-0"); // another tab already refreshed: nothing to do
    expect(refreshGrant).not.toHaveBeenCalled();
    const rotated = await jwtCallback({ token: token(), trigger: "update", session: { staleAccessToken: "at-0" } });
    expect(rotated.accessToken).toBe("at-1");
    expect(refreshGrant).toHaveBeenCalledTimes(1);
  });

  it("ends the session for good on invalid_grant, dropping both tokens", async () => {
    vi.mocked(refreshGrant).mockResolvedValue({ ok: false, status: 400, errorCode: "refresh_token_reused" });
    const ended = await jwtCallback({ token: token({ accessTokenExpires: NOW - 1 }) });
    expect(ended).toMatchObject({ error: "RefreshTokenRejected", errorCode: "refresh_token_reused", accessToken: null, refreshToken: null });
    expect(await jwtCallback({ token: ended })).toBe(ended);
    expect(refreshGrant).toHaveBeenCalledTimes(1);
  });

  it("keeps the tokens when the API is unavailable, so a later try can still refresh", async () => {
    vi.mocked(refreshGrant).mockResolvedValue({ ok: false, status: 503 });
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const kept = await jwtCallback({ token: token({ accessTokenExpires: NOW - 1 }) });
    expect(kept).toMatchObject({ accessToken: "at-0", refreshToken: "rt-0" });
    expect(kept.error).toBeUndefined();
  });
});

describe("session callback", () => {
  it("exposes what components need and never the refresh token", () => {
    const session = sessionCallback({ session: { expires: "2099-01-01T00:00:00.000Z" } as Session, token: token() });
    expect(session).toEqual({
      expires: "2099-01-01T00:00:00.000Z",
      user: { id: "user-1", email: "ada@example.com" },
      accessToken: "at-0",
      accessTokenExpires: NOW + 60_000,
      accessTokenLifetime: 300_000,
      scopes: ["user"],
      rotations: 0,
    });
    expect(JSON.stringify(session)).not.toContain("rt-0");
  });
});
