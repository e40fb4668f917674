import type { Metadata } from "next";
import { PatientPage } from "#web/components/patient/PatientPage.tsx";

export const metadata: Metadata = { title: "Patient" };

export default function Page() {
  return (
    <>
      <h1>Patient</h1>
      <PatientPage />
    </>
  );
}
