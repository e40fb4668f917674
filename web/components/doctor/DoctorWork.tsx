"use client";
/**
 * The doctor's work once their key is unlocked (DoctorPage loads this module then, with the crypto
 * and schemas it needs, rather than with the page): their patients, the upload form, the reports
 * they issued (with "Amend") and those shared with them.
 */
import { useState } from "react";
import type { Address } from "viem";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import type { ReportRecord } from "#core/reports/records.ts";
import { useNameOf } from "#web/lib/queries.ts";
import { useReportList } from "#web/lib/reportLists.ts";
import { ErrorBox } from "../ErrorBox.tsx";
import { Spinner } from "../Progress.tsx";
import { ReportList } from "../ReportList.tsx";
import { AmendForm } from "./AmendForm.tsx";
import { EmergencyAccess } from "./EmergencyAccess.tsx";
import { HeldResults } from "./HeldResults.tsx";
import { MyPatients } from "./MyPatients.tsx";
import { UploadForm } from "./UploadForm.tsx";
import { useMyPatients, type MyPatients as MyPatientsState } from "./useMyPatients.ts";

/** "Amend" on an issued report while it is current (not superseded). */
function IssuedExtra({ report, onAmend }: { report: ReportRecord; onAmend: (report: ReportRecord) => void }) {
  return report.supersededBy ? null : (
    <button type="button" className="btn btn-small" onClick={() => onAmend(report)}>
      Amend
    </button>
  );
}

function DoctorReports({ address, identity, myPatients }: { address: Address; identity: EncryptionIdentity; myPatients: MyPatientsState }) {
  const nameOf = useNameOf();
  const [amending, setAmending] = useState<ReportRecord | null>(null);
  const issued = useReportList("byDoctor", address);
  const shared = useReportList("sharedWith", address);
  return (
    <>
      <section className="card" aria-labelledby="issued-title">
        <h2 id="issued-title">Reports I issued</h2>
        {issued.isPending ? <Spinner label="Reading reports…" /> : null}
        <ErrorBox error={issued.error} />
        {issued.reports ? (
          <ReportList
            reports={issued.reports}
            total={issued.total}
            hasMore={issued.hasMore}
            onLoadMore={issued.loadMore}
            checkOnChain={issued.fromIndexer}
            identity={identity}
            nameOf={myPatients.nameOf}
            testId="issued-reports"
            extra={(report) => <IssuedExtra report={report} onAmend={setAmending} />}
            below={(report) =>
              amending?.reportId === report.reportId ? (
                <AmendForm report={amending} identity={identity} patientName={myPatients.nameOf(amending.patient)} onClose={() => setAmending(null)} />
              ) : null
            }
          />
        ) : null}
      </section>
      <section className="card" aria-labelledby="shared-title">
        <h2 id="shared-title">Shared with me</h2>
        {shared.isPending ? <Spinner label="Reading reports…" /> : null}
        <ErrorBox error={shared.error} />
        {shared.reports ? (
          <ReportList
            reports={shared.reports}
            total={shared.total}
            hasMore={shared.hasMore}
            onLoadMore={shared.loadMore}
            checkOnChain={shared.fromIndexer}
            sharedWith={address}
            identity={identity}
            nameOf={nameOf}
            testId="shared-reports"
          />
        ) : null}
      </section>
    </>
  );
}

export function DoctorWork({ address, identity }: { address: Address; identity: EncryptionIdentity }) {
  const myPatients = useMyPatients(address, identity);
  // "Upload a report" on a patient's row: a fresh form with that patient chosen, brought into view.
  const [uploadFor, setUploadFor] = useState<{ account: string; n: number }>({ account: "", n: 0 });
  const chooseForUpload = (account: string) => {
    setUploadFor((u) => ({ account, n: u.n + 1 }));
    requestAnimationFrame(() => document.getElementById("upload-title")?.scrollIntoView({ behavior: "smooth", block: "start" }));
  };
  return (
    <>
      <MyPatients state={myPatients} onUploadFor={chooseForUpload} />
      <UploadForm key={uploadFor.n} myPatients={myPatients} initialPatient={uploadFor.account} />
      <HeldResults address={address} identity={identity} nameOf={myPatients.nameOf} />
      <DoctorReports address={address} identity={identity} myPatients={myPatients} />
      <EmergencyAccess address={address} identity={identity} />
    </>
  );
}
