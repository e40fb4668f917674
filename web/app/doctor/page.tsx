import type { Metadata } from "next";
import { DoctorPage } from "#web/components/doctor/DoctorPage.tsx";

export const metadata: Metadata = { title: "Doctor" };

export default function Page() {
  return (
    <>
      <h1>Doctor</h1>
      <DoctorPage />
    </>
  );
}
