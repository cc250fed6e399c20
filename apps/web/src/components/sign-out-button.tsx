"use client";

import { useQueryClient } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { useState } from "react";

/** NextAuth's sign-out revokes the session on the API (RFC 7009) before it clears the cookie. */
export function SignOutButton() {
  const queryClient = useQueryClient();
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      className="secondary"
      disabled={pending}
      onClick={async () => {
        setPending(true);
        queryClient.clear();
        await signOut({ callbackUrl: "/login?signedOut=1" });
      }}
    >
      Sign out
    </button>
  );
}
