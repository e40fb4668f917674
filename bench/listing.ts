/**
 * Time to list 1,000 reports of one patient in the patient page: 1,000 real reports (encrypted,
 * stored, registered in batches of 20) are seeded on the local chain; then, in Chromium with the
 * test wallet, the time from the unlocked key (the page then reads the events) to 1,000 rendered
 * rows; the unlock itself (a wallet signature) is reported apart.
 */
import { DEMO_PEOPLE } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";
import { ensureKeyPublished, unlockIdentity } from "#core/identity/encryptionKey.ts";
import { createKuboStore } from "#core/ipfs/kuboStore.ts";
import { createLedgerWriter } from "#core/node/clients.ts";
import { assignDoctor, registerPatient } from "#core/patients/patients.ts";
import { createRegistrationRequest } from "#core/patients/registration.ts";
import { prepareReport, submitReports, type PreparedReport } from "#core/reports/upload.ts";
import { benchReportPdf } from "./reportFiles.ts";
import { addStaff } from "#core/staff/staff.ts";
import { DEFAULT_MAX_FILE_BYTES } from "#core/reports/limits.ts";
import type { LocalStack } from "#local-stack/index.ts";
import { connectTestWallet, goto, openSession } from "#harness/browser/app.ts";
import { launchBrowser } from "#harness/browser/browser.ts";
import { unlockKey } from "#harness/browser/flows.ts";
import { median, round } from "./stats.ts";

const REPORTS = 1000;

export async function benchListing(stack: LocalStack, log: (line: string) => void): Promise<Record<string, number>> {
  const config = { rpcUrl: stack.rpcUrl, ipfsApiUrl: stack.ipfsApiUrl, deployment: stack.deployment, maxFileBytes: DEFAULT_MAX_FILE_BYTES };
  const store = createKuboStore(stack.ipfsApiUrl);
  const as = (handle: string) => createLedgerWriter(config, demoAccount(DEMO_PEOPLE.find((p) => p.handle === handle)!));
  const [admin, reception, doctor, patient] = ["admin", "receptionist1", "doctor1", "patient1"].map(as) as [
    ReturnType<typeof as>,
    ReturnType<typeof as>,
    ReturnType<typeof as>,
    ReturnType<typeof as>,
  ];
  await addStaff(admin, reception.walletClient.account.address, "receptionist", { name: "Rita Reyes", department: "Front desk", contact: "" });
  await addStaff(admin, doctor.walletClient.account.address, "doctor", { name: "Dr. Ada Lovelace", department: "Cardiology", contact: "" });
  await ensureKeyPublished(reception, await unlockIdentity(reception.walletClient, stack.deployment));
  await ensureKeyPublished(doctor, await unlockIdentity(doctor.walletClient, stack.deployment));
  const request = await createRegistrationRequest(patient, patient.walletClient, await unlockIdentity(patient.walletClient, stack.deployment));
  await registerPatient(reception, store, request, { name: "Alice Martin", dateOfBirth: "", phone: "", email: "", notes: "" });
  await assignDoctor(reception, patient.walletClient.account.address, doctor.walletClient.account.address);

  log(`seeding ${REPORTS} reports for one patient`);
  let batch: PreparedReport[] = [];
  for (let i = 0; i < REPORTS; i++) {
    const file = await benchReportPdf(256);
    batch.push(await prepareReport(doctor, store, { file, patient: patient.walletClient.account.address }));
    if (batch.length === 20) {
      await submitReports(doctor, store, batch);
      batch = [];
    }
  }

  const browser = await launchBrowser();
  const times: number[] = [];
  const unlockTimes: number[] = [];
  try {
    for (let run = 0; run < 3; run++) {
      const session = await openSession(browser, { ...stack, webUrl: stack.webUrl! }, { person: "patient1" });
      try {
        await goto(session.page, { ...stack, webUrl: stack.webUrl! }, "/patient");
        await connectTestWallet(session.page);
        // The patient page mounts the report list, and starts reading the events, once the
        // patient's key is unlocked (one signature): the listing is timed from there.
        const unlockStart = performance.now();
        await unlockKey(session.page);
        const start = performance.now();
        unlockTimes.push(start - unlockStart);
        await session.page.waitForFunction((n) => document.querySelectorAll("tr[data-report]").length >= n, REPORTS, { timeout: 120_000, polling: "raf" });
        times.push(performance.now() - start);
      } finally {
        await session.close();
      }
    }
  } finally {
    await browser.close();
  }
  const figure = round(median(times), 0);
  log(`list ${REPORTS} reports (key unlocked → events read → ${REPORTS} rendered rows, median of 3): ${figure} ms`);
  const unlock = round(median(unlockTimes), 0);
  log(`  before it, unlocking the key (a wallet signature, not part of the listing): ${unlock} ms`);
  return { list1000ReportsMs: figure, unlockKeyBeforeListingMs: unlock };
}
