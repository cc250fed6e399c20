import NextAuth from "next-auth";
import type { NextRequest } from "next/server";

import { authOptions } from "@/auth/options";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

// Options are built per request so that environment validation happens at run time, not at build time.
function handler(request: NextRequest, context: RouteContext): Promise<Response> {
  return NextAuth(request, context, authOptions());
}

export { handler as GET, handler as POST };
