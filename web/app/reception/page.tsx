import type { Metadata } from "next";
import { ReceptionPage } from "#web/components/reception/ReceptionGate.tsx";

export const metadata: Metadata = { title: "Reception" };

export default function Page() {
  return (
    <>
      <h1>Reception</h1>
      <ReceptionPage />
    </>
  );
}
