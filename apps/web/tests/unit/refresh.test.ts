import { afterEach, describe, expect, it, vi } from "vitest";

import type { GrantResult } from "@/auth/api";
import { SETTLED_RESULT_TTL_MS, refreshOnce, resetRefreshes } from "@/auth/refresh";

const TOKENS = { access_token: "at-1", token_type: "bearer" as const, expires_in: 300, refresh_token: "rt-1", scope: "user" };

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("refreshOnce (server-side, per refresh token)", () => {
  afterEach(() => resetRefreshes());

  it("sends one request for many concurrent callers holding the same refresh token", async () => {
    const answer = deferred<GrantResult>();
    const send = vi.fn(() => answer.promise);
    const callers = Array.from({ length: 10 }, () => refreshOnce("rt-0", send));
    answer.resolve({ ok: true, tokens: TOKENS });
    const results = await Promise.all(callers);
    expect(send).toHaveBeenCalledTimes(1);
    expect(new Set(results).size).toBe(1);
    expect(results[0]).toEqual({ ok: true, tokens: TOKENS });
  });

  it("keeps different refresh tokens apart", async () => {
    const send = vi.fn(async (token: string): Promise<GrantResult> => ({ ok: true, tokens: { ...TOKENS, refresh_token: `${token}-next` } }));
    const [a, b] = await Promise.all([refreshOnce("rt-a", send), refreshOnce("rt-b", send)]);
    expect(send).toHaveBeenCalledTimes(2);
    expect(a).toMatchObject({ tokens: { refresh_token: "rt-a-next" } });
    expect(b).toMatchObject({ tokens: { refresh_token: "rt-b-next" } });
  });

  it("hands a settled result to late arrivals for a while, then forgets it", async () => {
    let now = 1_000_000;
    const send = vi.fn(async (): Promise<GrantResult> => ({ ok: true, tokens: TOKENS }));
    await refreshOnce("rt-0", send, () => now);
    now += SETTLED_RESULT_TTL_MS - 1;
    await refreshOnce("rt-0", send, () => now);
    expect(send).toHaveBeenCalledTimes(1);
    now += 2;
    await refreshOnce("rt-0", send, () => now);
    expect(send).toHaveBeenCalledTimes(2);
  });

  it("remembers a refusal (invalid_grant) but not a transient failure", async () => {
    const refused = vi.fn(async (): Promise<GrantResult> => ({ ok: false, status: 400, errorCode: "refresh_token_reused" }));
    await refreshOnce("rt-refused", refused);
    await refreshOnce("rt-refused", refused);
    expect(refused).toHaveBeenCalledTimes(1);

    const unavailable = vi.fn(async (): Promise<GrantResult> => ({ ok: false, status: 503 }));
    await refreshOnce("rt-busy", unavailable);
    await refreshOnce("rt-busy", unavailable);
    expect(unavailable).toHaveBeenCalledTimes(2);
  });
});
