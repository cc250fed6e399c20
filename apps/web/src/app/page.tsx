import { redirect } from "next/navigation";

// The proxy sends signed-in users to the dashboard before this renders.
export default function Home() {
  redirect("/login");
}
