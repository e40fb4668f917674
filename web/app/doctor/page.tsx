import type { Metadata } from "next";
import { DoctorPage } from "../../components/doctor/DoctorPage.tsx";

export const metadata: Metadata = { title: "Doctor" };

export default function Page() {
  return (
    <>
      <h1>Doctor</h1>
      <DoctorPage />
    </>
  );
}
