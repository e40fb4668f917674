import type { Metadata } from "next";
import { AppointmentsPage } from "#web/components/appointments/AppointmentsPage.tsx";

export const metadata: Metadata = { title: "Appointments" };

export default function Page() {
  return (
    <>
      <h1>Appointments</h1>
      <AppointmentsPage />
    </>
  );
}
