/** Protected pages need a live session; sign-in pages are skipped by users who have one. */
import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";

import { serverEnv } from "@/env";

const PROTECTED_PREFIXES = ["/dashboard", "/race"];
const GUEST_ONLY = new Set(["/login", "/register"]);

function isProtected(pathname: string): boolean {
  return PROTECTED_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

export async function proxy(request: NextRequest): Promise<NextResponse> {
  const env = serverEnv();
  const token = await getToken({ req: request, secret: env.nextAuthSecret, secureCookie: env.useSecureCookies });
  // A session whose refresh failed for good is as good as none (the refresh token is gone).
  const signedIn = Boolean(token && !token.error && token.refreshToken);
  const { pathname, search } = request.nextUrl;

  if (isProtected(pathname) && !signedIn) {
    const login = new URL("/login", request.url);
    login.searchParams.set("callbackUrl", `${pathname}${search}`);
    if (token?.error) login.searchParams.set("error", "SessionExpired");
    return NextResponse.redirect(login);
  }
  if ((GUEST_ONLY.has(pathname) || pathname === "/") && signedIn) {
    return NextResponse.redirect(new URL("/dashboard", request.url));
  }
  if (pathname === "/") {
    return NextResponse.redirect(new URL("/login", request.url));
  }
  return NextResponse.next();
}

export const config = {
  matcher: ["/", "/login", "/register", "/dashboard/:path*", "/race/:path*"],
};
