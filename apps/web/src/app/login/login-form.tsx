"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";

import { Field } from "@/components/field";

/** `authorize` throws the API's `error_code`; NextAuth hands it back as `error`. */
const SIGN_IN_ERRORS: Record<string, string> = {
  invalid_credentials: "Incorrect email or password.",
  rate_limited: "Too many attempts. Wait a moment and try again.",
  api_unreachable: "The API cannot be reached right now.",
};

type Notice = { kind: "info" | "error"; text: string };

export function LoginForm({ notice, callbackUrl, defaultEmail }: { notice?: Notice; callbackUrl: string; defaultEmail: string }) {
  const router = useRouter();
  const [email, setEmail] = useState(defaultEmail);
  const [password, setPassword] = useState("");
  const [fieldErrors, setFieldErrors] = useState<{ email?: string; password?: string }>({});
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const missing = {
      email: email.trim() ? undefined : "Enter your email.",
      password: password ? undefined : "Enter your password.",
    };
    setFieldErrors(missing);
    setError(null);
    if (missing.email || missing.password) return;
    setPending(true);
    const result = await signIn("credentials", { email: email.trim(), password, redirect: false });
    if (!result || result.error) {
      setPending(false);
      const code = result?.error ?? "sign_in_failed";
      setError(SIGN_IN_ERRORS[code] ?? `Sign-in failed (${code}).`);
      return;
    }
    router.replace(callbackUrl);
    router.refresh();
  }

  return (
    <div className="auth-card">
      <h1>Sign in</h1>
      <p className="lede">to Baton, the relay of single-use refresh tokens.</p>
      {notice && <p className={`notice ${notice.kind}`} role="status">{notice.text}</p>}
      <form onSubmit={onSubmit} noValidate>
        <Field id="email" label="Email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={fieldErrors.email} />
        <Field id="password" label="Password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} error={fieldErrors.password} />
        {error && <p className="notice error" role="alert">{error}</p>}
        <button type="submit" disabled={pending}>{pending ? "Signing in…" : "Sign in"}</button>
      </form>
      <p className="auth-switch">
        New here? <Link href="/register">Create an account</Link>
      </p>
    </div>
  );
}
