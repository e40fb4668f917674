import type { Metadata } from "next";
import { GuardianPage } from "#web/components/guardian/GuardianPage.tsx";

export const metadata: Metadata = { title: "Guardian" };

export default function Page() {
  return (
    <>
      <h1>Guardian</h1>
      <GuardianPage />
    </>
  );
}
