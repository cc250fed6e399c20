"use client";

import {
  healthReadyOptions,
  sessionsListSessionsOptions,
  usersListSecurityEventsOptions,
  usersReadMeOptions,
} from "@baton/api-client/react-query";
import { useIsFetching, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSession } from "next-auth/react";

import { TokenMeter } from "@/components/token-meter";
import { describeError } from "@/lib/api-error";
import { useAuthClient } from "@/lib/use-auth-client";

const RECENT_EVENTS = 5;

function when(iso: string): string {
  return new Date(iso).toLocaleString("en", { dateStyle: "medium", timeStyle: "short" });
}

function QueryState({ isPending, error }: { isPending: boolean; error: unknown }) {
  if (error) return <span className="status bad" role="alert">{describeError(error)}</span>;
  if (isPending) return <span className="status pending">Loading…</span>;
  return null;
}

export function Dashboard() {
  const { data: session, status } = useSession();
  const client = useAuthClient();
  const queryClient = useQueryClient();
  const signedIn = status === "authenticated" && Boolean(session?.accessToken);

  // Three protected queries in parallel: after the access token expires, all three race to refresh.
  const profile = useQuery({ ...usersReadMeOptions({ client }), enabled: signedIn });
  const sessions = useQuery({ ...sessionsListSessionsOptions({ client }), enabled: signedIn });
  const events = useQuery({ ...usersListSecurityEventsOptions({ client, query: { limit: RECENT_EVENTS } }), enabled: signedIn });
  const ready = useQuery({ ...healthReadyOptions({ client }), enabled: signedIn });
  const fetching = useIsFetching() > 0;

  return (
    <>
      <h1>Dashboard</h1>
      <p className="lede">Everything on this page comes from the API with your short-lived access token.</p>
      <div className="toolbar">
        <button type="button" onClick={() => queryClient.refetchQueries({ type: "active" })} disabled={!signedIn || fetching}>
          Reload data
        </button>
        <span className="shell-user" data-testid="fetch-state">{fetching ? "Fetching…" : "Up to date"}</span>
      </div>
      <div className="grid">
        <section className="card" aria-labelledby="profile-title" data-testid="profile-card">
          <h2 id="profile-title">Profile</h2>
          <QueryState isPending={profile.isPending} error={profile.error} />
          {profile.data && (
            <dl>
              <dt>Email</dt>
              <dd data-testid="profile-email">{profile.data.email}</dd>
              <dt>User id</dt>
              <dd className="mono">{profile.data.id}</dd>
              <dt>Role</dt>
              <dd>{profile.data.is_admin ? "Administrator" : "User"}</dd>
              <dt>Member since</dt>
              <dd>{new Date(profile.data.created_at).toLocaleDateString("en", { dateStyle: "medium" })}</dd>
            </dl>
          )}
        </section>
        <section className="card" aria-labelledby="session-title">
          <h2 id="session-title">Session</h2>
          <TokenMeter />
          {session && (
            <dl style={{ marginTop: 14 }}>
              <dt>Scopes</dt>
              <dd>{session.scopes.join(" ") || "none"}</dd>
              <dt>Rotations</dt>
              <dd data-testid="rotations">{session.rotations}</dd>
              <dt>Refresh token</dt>
              <dd>kept server-side in an HTTP-only cookie</dd>
            </dl>
          )}
        </section>
        <section className="card" aria-labelledby="sessions-title" data-testid="sessions-card">
          <h2 id="sessions-title">Signed-in devices</h2>
          <QueryState isPending={sessions.isPending} error={sessions.error} />
          {sessions.data && (
            <ul className="plain-list" data-testid="sessions">
              {sessions.data.map((item) => (
                <li key={item.id}>
                  <strong>{item.current ? "This browser" : (item.user_agent ?? "Unknown device").slice(0, 48)}</strong>
                  <span>last active {when(item.last_used_at)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card wide" aria-labelledby="events-title" data-testid="events-card">
          <h2 id="events-title">Recent security events</h2>
          <QueryState isPending={events.isPending} error={events.error} />
          {events.data && (
            <ul className="plain-list" data-testid="events">
              {events.data.items.map((event) => (
                <li key={event.id}>
                  <strong>{event.type.replaceAll("_", " ")}</strong>
                  <span>{when(event.created_at)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" aria-labelledby="api-title" data-testid="api-card">
          <h2 id="api-title">API</h2>
          <QueryState isPending={ready.isPending} error={ready.error} />
          {ready.data && <span className="status ok" data-testid="api-ready">Database {ready.data.status}</span>}
        </section>
      </div>
    </>
  );
}
