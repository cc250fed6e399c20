import { RegisterForm } from "./register-form";

export default function RegisterPage() {
  return (
    <main className="auth-page">
      <RegisterForm />
    </main>
  );
}
