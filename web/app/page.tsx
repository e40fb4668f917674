import Link from "next/link";
import { AccountSummary } from "../components/AccountSummary.tsx";
import { NewPatientHelp } from "../components/NewPatientHelp.tsx";

export default function HomePage() {
  return (
    <>
      <section className="hero">
        <h1>Medical reports you can prove</h1>
        <p className="lead">
          Reports are encrypted in your browser, stored on IPFS and registered on Ethereum. Patients decide who reads them; anyone holding a report can check it
          is genuine.
        </p>
        <p>
          <Link href="/verify" className="btn btn-primary">
            Verify a report
          </Link>
        </p>
      </section>
      <AccountSummary />
      <section className="grid-cards" aria-label="Pages">
        <Link href="/verify" className="card card-link">
          <h2>Verify</h2>
          <p>Check a report file or digest. No wallet needed, nothing uploaded.</p>
        </Link>
        <Link href="/admin" className="card card-link">
          <h2>Admin</h2>
          <p>Staff, pause switch and the audit trail.</p>
        </Link>
        <Link href="/reception" className="card card-link">
          <h2>Reception</h2>
          <p>Register patients and assign doctors.</p>
        </Link>
        <Link href="/doctor" className="card card-link">
          <h2>Doctor</h2>
          <p>Upload and read reports.</p>
        </Link>
        <Link href="/patient" className="card card-link">
          <h2>Patient</h2>
          <p>Your reports, sharing and revoking.</p>
        </Link>
      </section>
      <section className="card" aria-label="New patients">
        <NewPatientHelp />
      </section>
    </>
  );
}
