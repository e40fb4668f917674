import type { Metadata } from "next";
import { AdminPage } from "#web/components/admin/AdminPage.tsx";

export const metadata: Metadata = { title: "Administration" };

export default function Page() {
  return (
    <>
      <h1>Administration</h1>
      <AdminPage />
    </>
  );
}
