"use client";

import { authRegisterMutation } from "@baton/api-client/react-query";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

import { Field } from "@/components/field";
import { ApiError, describeError } from "@/lib/api-error";
import { useAuthClient } from "@/lib/use-auth-client";

type Fields = "email" | "password";
type FieldErrors = Partial<Record<Fields, string>>;

/** Spread the API's 422 `detail[]` (and the 409) over the form's fields; anything else stays general. */
function fieldErrorsOf(error: unknown): { fields: FieldErrors; general?: string } {
  if (!(error instanceof ApiError)) return { fields: {}, general: describeError(error) };
  if (error.code === "email_already_registered") return { fields: { email: describeError(error) } };
  const detail = (error.body as { detail?: unknown } | null)?.detail;
  if (error.status !== 422 || !Array.isArray(detail)) return { fields: {}, general: describeError(error) };
  const fields: FieldErrors = {};
  const rest: string[] = [];
  for (const issue of detail as { loc?: unknown[]; msg?: string }[]) {
    const name = issue.loc?.[issue.loc.length - 1];
    if (name === "email" || name === "password") fields[name] ??= issue.msg ?? "Invalid value.";
    else rest.push(issue.msg ?? "Invalid request.");
  }
  return { fields, general: rest.length ? rest.join(" ") : undefined };
}

export function RegisterForm() {
  const router = useRouter();
  const client = useAuthClient();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const register = useMutation({
    ...authRegisterMutation({ client }),
    onSuccess: (user) => router.push(`/login?registered=1&email=${encodeURIComponent(user.email)}`),
  });
  const { fields, general } = register.error ? fieldErrorsOf(register.error) : { fields: {}, general: undefined };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    register.mutate({ body: { email: email.trim(), password } });
  }

  return (
    <div className="auth-card">
      <h1>Create an account</h1>
      <p className="lede">Passwords need at least 8 characters; any script, any length.</p>
      {/* noValidate: the API is the validator, its 422s are shown next to the fields. */}
      <form onSubmit={onSubmit} noValidate>
        <Field id="email" label="Email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={fields.email} />
        <Field id="password" label="Password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} error={fields.password} />
        {general && <p className="notice error" role="alert">{general}</p>}
        <button type="submit" disabled={register.isPending}>{register.isPending ? "Creating…" : "Create account"}</button>
      </form>
      <p className="auth-switch">
        Already registered? <Link href="/login">Sign in</Link>
      </p>
    </div>
  );
}
