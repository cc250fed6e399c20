import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("next/headers", () => ({ headers: vi.fn() }));

import { headers } from "next/headers";
import type { JWT } from "next-auth/jwt";

import { MAX_FORWARDED_HOPS, forwardedFor, passwordGrant } from "@/auth/api";
import { rotate } from "@/auth/options";
import { resetRefreshes } from "@/auth/refresh";

const TOKENS = { access_token: "at-1", token_type: "bearer", expires_in: 300, refresh_token: "rt-1", scope: "user" };

function browserRequest(forwarded?: string): void {
  const incoming = new Headers(forwarded === undefined ? {} : { "x-forwarded-for": forwarded });
  vi.mocked(headers).mockResolvedValue(incoming as Awaited<ReturnType<typeof headers>>);
}

describe("the Next server passes the browser's address on to the API", () => {
  let fetchMock: ReturnType<typeof vi.fn<(request: Request) => Promise<Response>>>;

  beforeEach(() => {
    vi.stubEnv("BATON_API_URL", "http://api.test");
    vi.stubEnv("NEXTAUTH_SECRET", "s".repeat(48));
    fetchMock = vi.fn(async () => Response.json(TOKENS));
    vi.stubGlobal("fetch", fetchMock);
  });
  afterEach(() => resetRefreshes());

  function sent(): Request {
    expect(fetchMock).toHaveBeenCalledTimes(1);
    return fetchMock.mock.calls[0]![0];
  }

  it("on sign-in (the Credentials provider's password grant)", async () => {
    browserRequest("203.0.113.7");
    expect(await passwordGrant("ada@example.com", "correct horse")).toMatchObject({ ok: true });
    const request = sent();
    expect(request.url).toBe("http://api.test/auth/token");
    expect(request.headers.get("x-forwarded-for")).toBe("203.0.113.7");
  });

  it("on refresh (the jwt callback's rotation), keeping a reverse proxy's chain intact", async () => {
    browserRequest("198.51.100.1, 203.0.113.7");
    const token = { refreshToken: "rt-0", rotations: 0 } as JWT;
    expect(await rotate(token)).toMatchObject({ refreshToken: "rt-1", rotations: 1 });
    const request = sent();
    expect(await request.text()).toContain("grant_type=refresh_token");
    expect(request.headers.get("x-forwarded-for")).toBe("198.51.100.1, 203.0.113.7");
  });

  it("sends no header when there is no browser request to speak for", async () => {
    vi.mocked(headers).mockRejectedValue(new Error("`headers` was called outside a request scope"));
    await passwordGrant("ada@example.com", "correct horse");
    expect(sent().headers.has("x-forwarded-for")).toBe(false);
  });

  it("passes on at most as many hops as the API reads, the nearest ones", () => {
    const chain = Array.from({ length: MAX_FORWARDED_HOPS + 5 }, (_, i) => `10.0.0.${i}`);
    const forwarded = forwardedFor(new Headers({ "x-forwarded-for": chain.join(",") }));
    expect(forwarded?.split(", ")).toEqual(chain.slice(-MAX_FORWARDED_HOPS));
    expect(forwardedFor(new Headers())).toBeUndefined();
  });
});
