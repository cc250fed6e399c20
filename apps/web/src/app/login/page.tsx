import { firstParam, safeCallbackUrl } from "@/lib/navigation";

import { LoginForm } from "./login-form";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const NOTICES: Record<string, { kind: "info" | "error"; text: string }> = {
  SessionExpired: { kind: "error", text: "Your session has ended. Please sign in again." },
  signedOut: { kind: "info", text: "You are signed out." },
  registered: { kind: "info", text: "Account created. Sign in with your email and password." },
};

export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const error = firstParam(params.error);
  const notice =
    (error ? NOTICES[error] : undefined) ??
    (params.signedOut ? NOTICES.signedOut : undefined) ??
    (params.registered ? NOTICES.registered : undefined);
  return (
    <main className="auth-page">
      <LoginForm
        notice={notice}
        callbackUrl={safeCallbackUrl(firstParam(params.callbackUrl))}
        defaultEmail={firstParam(params.email) ?? ""}
      />
    </main>
  );
}
