"use client";

import { usersReadMe } from "@baton/api-client";
import { useQueryClient } from "@tanstack/react-query";
import { getSession, useSession } from "next-auth/react";
import { useCallback, useRef, useState } from "react";

import { TokenMeter } from "@/components/token-meter";
import { describeError } from "@/lib/api-error";
import { useNow } from "@/lib/use-now";
import { useAuthClient, type AuthClientEvent } from "@/lib/use-auth-client";

import { RaceTimeline, TimelineLegend, type LaneResult } from "./race-timeline";

const DEFAULT_CALLS = 20;
/** Fire a little after the expiry instant, so the API's clock agrees the token is expired. */
const EXPIRY_SLACK_MS = 300;
/** Beyond this, tell the user how to get a shorter access-token lifetime. */
const LONG_WAIT_MS = 30_000;

type Phase = "idle" | "waiting" | "racing" | "done";

type Run = {
  id: number;
  calls: number;
  origin: number;
  rotationsBefore: number;
  rotationsAfter?: number;
  results: Map<number, LaneResult>;
};

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function RaceLab() {
  const { data: session } = useSession();
  const now = useNow(1_000);
  const queryClient = useQueryClient();
  const [calls, setCalls] = useState(DEFAULT_CALLS);
  const [phase, setPhase] = useState<Phase>("idle");
  const [run, setRun] = useState<Run | null>(null);
  const [events, setEvents] = useState<AuthClientEvent[]>([]);
  const recording = useRef(false);

  const onEvent = useCallback((event: AuthClientEvent) => {
    if (recording.current) setEvents((previous) => [...previous, event]);
  }, []);
  const client = useAuthClient({ onEvent });

  async function race() {
    if (!session) return;
    const id = (run?.id ?? 0) + 1;
    const rotationsBefore = session.rotations;
    setEvents([]);
    setRun(null);
    // Expire on purpose: hold on to the current access token until the API must reject it.
    setPhase("waiting");
    await sleep(Math.max(0, session.accessTokenExpires - Date.now()) + EXPIRY_SLACK_MS);

    setPhase("racing");
    const origin = performance.now();
    const results = new Map<number, LaneResult>();
    setRun({ id, calls, origin, rotationsBefore, results });
    recording.current = true;
    const settled = await Promise.allSettled(
      Array.from({ length: calls }, (_, lane) =>
        queryClient.fetchQuery({
          queryKey: ["race", id, lane],
          queryFn: async ({ signal }) =>
            (await usersReadMe({ client, meta: { lane }, signal, throwOnError: true })).data,
          staleTime: 0,
          gcTime: 0,
        }),
      ),
    );
    recording.current = false;
    settled.forEach((outcome, lane) =>
      results.set(lane, outcome.status === "fulfilled" ? { ok: true } : { ok: false, message: describeError(outcome.reason) }),
    );
    const after = await getSession();
    setRun({ id, calls, origin, rotationsBefore, rotationsAfter: after?.rotations, results: new Map(results) });
    setPhase("done");
  }

  const attempts = events.filter((event) => event.type === "attempt");
  const expiredHits = attempts.filter((event) => event.errorCode === "token_expired").length;
  const updates = events.filter((event) => event.type === "session-update").length;
  const succeeded = run ? [...run.results.values()].filter((result) => result.ok).length : 0;
  const refreshes = run?.rotationsAfter !== undefined ? run.rotationsAfter - run.rotationsBefore : undefined;
  const busy = phase === "waiting" || phase === "racing";
  const failures = run ? [...run.results.entries()].filter(([, result]) => !result.ok) : [];

  return (
    <>
      <h1>Race lab</h1>
      <p className="lede">
        Let the access token expire on purpose, then fire {calls} protected calls at the same instant. Each gets
        401 <code>token_expired</code>; the tab shares one session update, the server rotates the refresh token once,
        and every call replays with the new token.
      </p>
      <div className="card" style={{ marginBottom: 16 }}>
        <div className="toolbar" style={{ marginBottom: 8 }}>
          <label className="range">
            Parallel calls
            <input type="range" min={2} max={50} value={calls} disabled={busy} onChange={(e) => setCalls(Number(e.target.value))} />
            <strong data-testid="call-count">{calls}</strong>
          </label>
          <button type="button" onClick={race} disabled={busy || !session?.accessToken}>
            {phase === "waiting" ? "Waiting for expiry…" : phase === "racing" ? "Racing…" : "Expire token and race"}
          </button>
          <span className="shell-user" data-testid="race-phase">{phase}</span>
        </div>
        <TokenMeter />
        {session && session.accessTokenExpires - now > LONG_WAIT_MS && (
          <p className="lede" style={{ margin: "10px 0 0" }}>
            The race waits for the access token&apos;s real expiry. For shorter waits, start the API with{" "}
            <code>BATON_ACCESS_TOKEN_TTL_SECONDS=15</code>.
          </p>
        )}
      </div>

      <div className="stats">
        <div className="stat">
          <div className="value" data-testid="stat-succeeded">{run ? `${succeeded}/${run.calls}` : "–"}</div>
          <div className="label">calls succeeded</div>
        </div>
        <div className="stat">
          <div className="value" data-testid="stat-expired">{run ? expiredHits : "–"}</div>
          <div className="label">hit 401 token_expired</div>
        </div>
        <div className="stat">
          <div className="value" data-testid="stat-updates">{run ? updates : "–"}</div>
          <div className="label">session updates from this tab</div>
        </div>
        <div className="stat">
          <div className="value" data-testid="stat-refreshes">{refreshes ?? "–"}</div>
          <div className="label">refreshes that reached the API</div>
        </div>
      </div>

      <section className="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        {run ? (
          <>
            <RaceTimeline lanes={run.calls} origin={run.origin} events={events} results={run.results} />
            <TimelineLegend />
          </>
        ) : (
          <p className="lede" style={{ margin: 0 }}>
            {phase === "waiting" ? "Holding the current access token until it expires…" : "Run a race to draw its timeline."}
          </p>
        )}
        {failures.length > 0 && (
          <p className="notice error" role="alert">
            {failures.length} call(s) failed: {failures[0]?.[1].message}
          </p>
        )}
      </section>
    </>
  );
}
