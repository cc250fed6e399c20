/** Talk to the real API (and its SQLite database) behind the browser's back. */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";

import { e2eEnvironment } from "./environment";

export type Account = { email: string; password: string };

export function newAccount(label: string): Account {
  const tag = randomBytes(6).toString("hex");
  return { email: `${label}-${tag}@example.com`, password: `Relay-${randomBytes(9).toString("base64url")}-baton` };
}

export async function registerAccount(account: Account): Promise<void> {
  const { apiUrl } = await e2eEnvironment();
  const response = await fetch(`${apiUrl}/auth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(account),
  });
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${await response.text()}`);
}

export async function refreshAtApi(refreshToken: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const { apiUrl } = await e2eEnvironment();
  const response = await fetch(`${apiUrl}/auth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export async function revokeAtApi(refreshToken: string): Promise<void> {
  const { apiUrl } = await e2eEnvironment();
  const response = await fetch(`${apiUrl}/auth/revoke`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: refreshToken, token_type_hint: "refresh_token" }),
  });
  if (response.status !== 200) throw new Error(`revoke failed: ${response.status}`);
}

export type SessionStats = { sessions: number; revokedSessions: number; refreshTokens: number; rotated: number };

const STATS_SQL = `
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10)
email = sys.argv[2]
def one(sql):
    return db.execute(sql, (email,)).fetchone()[0]
print(json.dumps({
    "sessions": one("SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = ?"),
    "revokedSessions": one("SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = ? AND s.revoked_at IS NOT NULL"),
    "refreshTokens": one("SELECT COUNT(*) FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id WHERE u.email = ?"),
    "rotated": one("SELECT COUNT(*) FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id WHERE u.email = ? AND t.rotated_at IS NOT NULL"),
}))
`;

/** What the API's database says about an account's sessions: each rotation is one spent refresh token. */
export async function sessionStats(email: string): Promise<SessionStats> {
  const { databasePath } = await e2eEnvironment();
  const output = execFileSync("python3", ["-c", STATS_SQL, databasePath, email], { encoding: "utf8" });
  return JSON.parse(output) as SessionStats;
}
