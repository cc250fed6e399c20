"use client";

import { useSession } from "next-auth/react";

import { useNow } from "@/lib/use-now";

/** How long the current access token has left: the clock the whole race is about. */
export function TokenMeter() {
  const { data: session } = useSession();
  const now = useNow();
  if (!session) return null;
  const left = Math.max(0, session.accessTokenExpires - now);
  const expired = left === 0;
  const share = session.accessTokenLifetime > 0 ? Math.min(1, left / session.accessTokenLifetime) : 0;
  return (
    <div>
      <span className={`status ${expired ? "bad" : "ok"}`} data-testid="token-state">
        {expired ? "Access token expired" : `Access token valid for ${(left / 1000).toFixed(1)} s`}
      </span>
      <div className={`meter${expired ? " expired" : ""}`} aria-hidden>
        <div style={{ width: `${expired ? 100 : share * 100}%` }} />
      </div>
    </div>
  );
}
