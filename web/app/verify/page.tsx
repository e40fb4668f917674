import type { Metadata } from "next";
import { Suspense } from "react";
import { Spinner } from "#web/components/Progress.tsx";
import { VerifyPage } from "#web/components/verify/VerifyPage.tsx";

export const metadata: Metadata = { title: "Verify a report" };

export default function Page() {
  return (
    <>
      <h1>Verify a report</h1>
      <Suspense fallback={<Spinner label="Loading…" />}>
        <VerifyPage />
      </Suspense>
    </>
  );
}
