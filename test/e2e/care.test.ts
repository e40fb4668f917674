/**
 * Care over the seeded demo, through the browser with each person's own injected wallet: a doctor
 * sees their patients with the profiles decrypted in the browser and picks one in the upload form;
 * the reception assigns a second doctor (the profile re-seal fails once and is retried alone),
 * after which that doctor reads the profile; a doctor amends a report (a rejected registration is
 * retried without re-uploading) and both the doctor's and the patient's lists show it; the patient
 * exports their records as FHIR (the Bundle built in the browser, saved as a download); a doctor not
 * assigned to a patient opens their reports in an emergency (the custody worker gives the keys),
 * the patient is told on their next visit and sees it in their history, the admin reviews it;
 * a result held for review is listed to the patient with its release date, unopenable, until the
 * doctor releases it.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Bundle, DocumentReference } from "@medplum/fhirtypes";
import { expect } from "chai";
import { after, before, describe, it } from "mocha";
import type { Browser, Locator } from "playwright-core";
import { claimIdOf } from "#core/reports/claimId.ts";
import { makeReportPdf } from "#local-stack/seed/pdf.ts";
import { goto, sessionPool, type AppSession } from "#harness/browser/app.ts";
import { launchBrowser, screenshot } from "#harness/browser/browser.ts";
import {
  confirmAction,
  confirmDialog,
  demoPerson,
  downloadBytes,
  reviewUpload,
  technicalWordsShown,
  unlockKey,
  openReport,
  reportViewer,
  waitForToast,
} from "#harness/browser/flows.ts";
import { startE2EStack, type E2EStack } from "#harness/browser/stack.ts";

/** Seeded profile details (local-stack/seed/seed.ts). */
const BOB = { dateOfBirth: "1991-07-30", email: "bob.nguyen@example.org" };

describe("web app: my patients, re-sealed profiles and amended reports (browser, seeded)", function () {
  this.timeout(600_000);
  let stack: E2EStack;
  let browser: Browser;
  const pool = sessionPool(() => ({ browser, stack }));
  const sessions = pool.sessions;
  const doctor1 = demoPerson("doctor1");
  const doctor2 = demoPerson("doctor2");
  const patient1 = demoPerson("patient1");
  const patient2 = demoPerson("patient2");
  const patient5 = demoPerson("patient5");
  let corrected: Buffer;
  /** The corrected file as issued (with its serial), downloaded after the amendment. */
  let issuedCorrected: Buffer;
  let amendedId: string;

  /** The session of demo person `handle` on `path`, wallet connected and key unlocked. */
  async function as(handle: string, path: string): Promise<AppSession> {
    const session = await pool.as(handle, path);
    await unlockKey(session.page);
    return session;
  }

  const patientRow = (table: Locator, account: string): Locator => table.locator(`tr[data-patient="${account}"]`);

  before(async function () {
    stack = await startE2EStack({ seed: true });
    browser = await launchBrowser();
    corrected = Buffer.from(
      await makeReportPdf({
        title: "Stress test (corrected)",
        patientName: patient2.displayName,
        doctorName: doctor1.displayName,
        department: "Cardiology",
        date: "2026-11-26",
        findings: ["Normal exercise tolerance.", "Corrected: peak heart rate 162 bpm.", `Marker ${Math.random()}`],
      }),
    );
  });

  after(async function () {
    await pool.closeAll();
    await browser?.close();
    await stack?.stop();
  });

  it("a doctor sees their patients with the profiles decrypted, and picks one in the upload form", async function () {
    const { page } = await as("doctor1", "/doctor");
    const table = page.getByTestId("my-patients");
    for (const p of [patient1, patient2, patient5]) {
      const row = patientRow(table, p.address);
      await row.and(page.locator('[data-profile="open"]')).waitFor();
      expect(await row.locator("strong").textContent()).to.equal(p.displayName);
    }
    const bob = (await patientRow(table, patient2.address).textContent()) ?? "";
    expect(bob).to.contain(BOB.dateOfBirth).and.contain(BOB.email);
    expect(await table.locator("tbody tr").count(), "only the assigned patients").to.equal(3);

    const form = page.getByRole("form", { name: "Upload a report" });
    await form.getByTestId("upload-pick").selectOption({ label: patient2.displayName });
    expect(await form.getByLabel("Patient").inputValue()).to.equal(patient2.address);
    expect(await form.getByTestId("upload-patient-help").textContent()).to.equal(`${patient2.displayName}, born ${BOB.dateOfBirth}.`);
    await screenshot(page, "care-doctor-my-patients");
  });

  it("the reception assigns a second doctor; a failed profile re-seal is said plainly and retried alone", async function () {
    const reception = await as("receptionist1", "/reception");
    const { page, wallet } = reception;
    const row = patientRow(page.getByTestId("patients-table"), patient2.address);
    await row.getByText(patient2.displayName).first().waitFor();

    // The wallet rejects the second transaction (the re-seal), not the first (the assignment).
    const handle = wallet.handle.bind(wallet);
    let sends = 0;
    wallet.handle = async (method, params) => {
      if (method === "eth_sendTransaction" && ++sends === 2) return { error: { code: 4001, message: "User rejected the request." } };
      return handle(method, params);
    };
    try {
      await row.getByRole("combobox").selectOption({ label: doctor2.displayName });
      await row.getByRole("button", { name: "Assign", exact: true }).click();
      const failed = row.getByTestId("reseal-failed");
      await failed.waitFor();
      expect(await failed.textContent())
        .to.contain(`${doctor2.displayName} is assigned, but the profile was not re-sealed for them`)
        .and.contain("You rejected the request in your wallet");
      await row.getByRole("button", { name: `Unassign ${doctor2.displayName}` }).waitFor(); // the assignment itself went through
      await screenshot(page, "care-reception-reseal-failed");
    } finally {
      wallet.handle = handle;
    }

    // Assigned but not re-sealed: the doctor has the patient, not (yet) the profile.
    const d2 = await as("doctor2", "/doctor");
    const pending = patientRow(d2.page.getByTestId("my-patients"), patient2.address);
    await pending.and(d2.page.locator('[data-profile="not-shared"]')).waitFor();
    expect(await pending.textContent()).to.contain("profile not shared with you yet");

    // The receptionist retries the re-seal alone: one transaction, not the assignment again.
    const sentBefore = wallet.calls.filter((m) => m === "eth_sendTransaction").length;
    await row.getByRole("button", { name: "Retry re-sealing the profile" }).click();
    // The retry is a transaction of its own: announced by its toast.
    await waitForToast(page, "success", `Profile re-sealed: ${doctor2.displayName} can read it.`, 120_000);
    await row.getByTestId("reseal-failed").waitFor({ state: "detached" });
    expect(wallet.calls.filter((m) => m === "eth_sendTransaction").length - sentBefore, "only the re-seal is sent again").to.equal(1);
    await screenshot(page, "care-reception-resealed");
  });

  it("the newly assigned doctor then reads the profile; an unassignment re-seals without them", async function () {
    const d2 = await as("doctor2", "/doctor");
    const row = patientRow(d2.page.getByTestId("my-patients"), patient2.address);
    await row.and(d2.page.locator('[data-profile="open"]')).waitFor();
    expect(await row.locator("strong").textContent()).to.equal(patient2.displayName);
    expect(await row.textContent())
      .to.contain(BOB.dateOfBirth)
      .and.contain(BOB.email);
    await screenshot(d2.page, "care-doctor2-sees-profile");

    const reception = await as("receptionist1", "/reception");
    const receptionRow = patientRow(reception.page.getByTestId("patients-table"), patient2.address);
    await receptionRow.getByRole("button", { name: `Unassign ${doctor2.displayName}` }).click();
    await confirmAction(receptionRow, `Unassign ${doctor2.displayName}`);
    await receptionRow.getByTestId("reseal-done").waitFor();
    expect(await receptionRow.getByTestId("reseal-done").textContent()).to.contain(`without ${doctor2.displayName}`);

    await as("doctor2", "/doctor");
    const mine = d2.page.getByTestId("my-patients");
    await mine.locator("tbody tr").first().waitFor();
    expect(await patientRow(mine, patient2.address).count()).to.equal(0);
  });

  it("a doctor amends a report: a rejected registration is retried without re-uploading; the old one is superseded", async function () {
    const { page, wallet } = await as("doctor1", "/doctor");
    const issued = page.getByTestId("issued-reports");
    const original = issued.locator("tbody tr", { hasText: patient2.displayName }).first();
    await original.waitFor();
    amendedId = (await original.getAttribute("data-report"))!;
    expect(await original.textContent()).to.contain("current");
    await original.getByRole("button", { name: "Amend" }).click();

    // The form opens at the report it amends.
    const form = issued.locator(`tr[data-report="${amendedId}"]`).getByRole("form", { name: /^Amend/ });
    expect(await form.getAttribute("data-amending")).to.equal(amendedId);
    expect(await form.textContent()).to.contain(patient2.displayName);
    await form
      .getByLabel("Corrected file (PDF, PNG or JPEG)")
      .setInputFiles({ name: "stress-test-corrected.pdf", mimeType: "application/pdf", buffer: corrected });
    await form.getByLabel("Reason for the amendment").fill("The heart rate at peak was mistyped.");
    const adds: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && new URL(request.url()).pathname === "/api/ipfs") adds.push(request.url());
    });
    wallet.rejectNext("eth_sendTransaction");
    await form.getByRole("button", { name: "Encrypt, store and register the amendment" }).click();
    const rejected = await waitForToast(page, "error", "The amendment was not registered", 120_000);
    expect(await rejected.textContent()).to.contain("You rejected the request in your wallet");
    await form.getByText("The encrypted file is already stored; retrying only records it").waitFor();
    expect(await technicalWordsShown(page), "the retry notice names no CID").to.deep.equal([]);
    await form.getByRole("button", { name: "Retry registration" }).click();
    await waitForToast(page, "success", `Amendment registered for ${patient2.displayName}`, 120_000);
    await form.getByTestId("upload-done").getByTestId("verify-link").waitFor();
    expect(adds, "the ciphertext was stored once, through the server's gateway").to.have.length(1);
    issuedCorrected = await downloadBytes(page, form.getByTestId("download-issued"));

    const newId = claimIdOf(`0x${createHash("sha256").update(issuedCorrected).digest("hex")}`, doctor1.address);
    const newRow = issued.locator(`tr[data-report="${newId}"]`);
    await newRow.waitFor();
    expect(await newRow.locator(".badge").textContent()).to.equal("current");
    expect(await newRow.getByTestId("amends").locator("[title]").getAttribute("title")).to.equal(amendedId);
    const oldRow = issued.locator(`tr[data-report="${amendedId}"]`);
    await oldRow.locator(".badge", { hasText: "superseded" }).waitFor();
    expect(await oldRow.getByRole("button", { name: "Amend" }).count(), "a superseded report cannot be amended again").to.equal(0);
    await screenshot(page, "care-doctor-amended");
  });

  it("the patient sees the amendment: the corrected report is current and opens, the original is superseded", async function () {
    const { page } = await as("patient2", "/patient");
    const reports = page.getByTestId("patient-reports");
    const newId = claimIdOf(`0x${createHash("sha256").update(issuedCorrected).digest("hex")}`, doctor1.address);
    const newRow = reports.locator(`tr[data-report="${newId}"]`);
    await newRow.waitFor();
    expect(await newRow.locator(".badge").textContent()).to.equal("current");
    expect(await newRow.getByTestId("amends").locator("[title]").getAttribute("title")).to.equal(amendedId);
    expect(await reports.locator(`tr[data-report="${amendedId}"] .badge`).textContent()).to.equal("superseded");
    expect(await newRow.getByTestId("report-title").textContent()).to.not.equal("");
    await newRow.getByRole("button", { name: "Open" }).click();
    await reportViewer(page).getByText("Corrects an earlier report: The heart rate at peak was mistyped.").waitFor();
    await reportViewer(page).getByRole("button", { name: "Close" }).click();
    const bytes = await openReport(page, newRow);
    expect(Buffer.compare(bytes, issuedCorrected)).to.equal(0);
    await screenshot(page, "care-patient-amendment");
  });

  it("the patient exports their records as a FHIR R4 Bundle, built in the browser: one DocumentReference per report, each file matching its hash", async function () {
    const { page } = await as("patient2", "/patient");
    const rows = page.getByTestId("patient-reports").locator("tr[data-report]");
    await rows.first().waitFor();
    const listed = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-report")));
    const card = page.getByTestId("export-records");
    // Nothing decrypted leaves the browser: the only writes to the site are the proven openings (report ids and tags).
    const writes: string[] = [];
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (request.method() !== "GET" && url.origin === new URL(page.url()).origin) writes.push(url.pathname);
    });
    const logged = page.waitForRequest((request) => request.method() === "POST" && new URL(request.url()).pathname === "/api/activity/opening");
    const [download] = await Promise.all([page.waitForEvent("download"), card.getByRole("button", { name: "Export my records (FHIR)" }).click()]);
    expect(download.suggestedFilename()).to.match(/^medledger-records-\d{4}-\d{2}-\d{2}\.json$/);
    const bundle = JSON.parse(await readFile(await download.path(), "utf8")) as Bundle;
    expect(bundle).to.include({ resourceType: "Bundle", type: "collection" });
    const documents = bundle.entry!.map((e) => e.resource!).filter((r): r is DocumentReference => r.resourceType === "DocumentReference");
    expect(documents.map((d) => d.identifier?.[0]?.value)).to.have.members(listed);
    for (const document of documents) {
      const file = Buffer.from(document.content[0]!.attachment.data!, "base64");
      expect(createHash("sha1").update(file).digest("base64"), "the attachment's SHA-1").to.equal(document.content[0]!.attachment.hash);
      expect(document.content[1]?.attachment.url).to.match(/^http:\/\/[^/]+\/verify\?sha256=0x[0-9a-f]{64}&sha1=0x[0-9a-f]{40}$/);
    }
    const newId = claimIdOf(`0x${createHash("sha256").update(issuedCorrected).digest("hex")}`, doctor1.address);
    const amendment = documents.find((d) => d.identifier?.[0]?.value === newId)!;
    expect(Buffer.from(amendment.content[0]!.attachment.data!, "base64").equals(issuedCorrected), "the decrypted corrected file").to.equal(true);
    expect(amendment.relatesTo?.[0]?.code).to.equal("replaces");
    expect(documents.find((d) => d.identifier?.[0]?.value === amendedId)?.status).to.equal("superseded");
    await card.getByTestId("export-done").waitFor();
    expect(writes.filter((path) => path !== "/api/activity/opening-challenge" && path !== "/api/activity/opening")).to.deep.equal([]);
    await logged;
    expect(await card.getByTestId("export-done").textContent())
      .to.contain(download.suggestedFilename())
      .and.contain(`${listed.length} reports`);
    await page.evaluate(() => window.scrollTo(0, 0)); // the click scrolled: the sticky bar would be drawn mid-page
    await screenshot(page, "patient-export-records");
  });

  it("break-glass: an unassigned doctor opens a patient's reports in an emergency and reads one", async function () {
    const patient4 = demoPerson("patient4");
    const { page } = await as("doctor2", "/doctor");
    const section = page.getByRole("region", { name: "Emergency access" });
    await section.getByLabel("Patient's account").fill(patient4.address);
    await section.getByLabel("Reason").selectOption({ label: "A life-threatening emergency" });
    await section.getByRole("button", { name: "Open emergency access" }).click();
    expect(await confirmDialog(page).textContent()).to.contain(
      "This is recorded publicly and the patient and the hospital will see it. Access ends after 24 hours.",
    );
    await confirmAction(page, "Open the reports");
    await waitForToast(page, "success", /You can open .+ reports until/, 60_000);
    // The custody worker re-wraps the patient's report keys for the doctor; the reports then list and open.
    const reports = section.locator(`[data-testid="emergency-patient"][data-patient="${patient4.address}"]`).getByTestId("emergency-reports");
    const row = reports.locator("tr[data-report]", { hasText: "Appendectomy report" });
    await row.waitFor({ timeout: 120_000 });
    expect(await reports.locator("tr[data-report]").count()).to.equal(2);
    const bytes = await openReport(page, row);
    expect(bytes.subarray(0, 5).toString()).to.equal("%PDF-");
    expect(await technicalWordsShown(page)).to.deep.equal([]);
    await screenshot(page, "emergency-doctor");
  });

  it("break-glass: the patient is told on their next visit (until dismissed) and sees it in their history; the admin reviews it", async function () {
    const patient4 = demoPerson("patient4");
    const { page } = await as("patient4", "/patient");
    const notice = page.getByTestId("emergency-notice");
    await notice.waitFor();
    expect(await notice.textContent())
      .to.contain(`${doctor2.displayName} opened your records in an emergency on`)
      .and.contain("A life-threatening emergency");
    const history = page.getByTestId("emergency-history");
    const entry = history.locator("tbody tr").first();
    await entry.waitFor();
    expect(await entry.textContent())
      .to.contain(doctor2.displayName)
      .and.contain("A life-threatening emergency")
      .and.contain("open now");
    const report = page.getByTestId("patient-reports").locator("tr[data-report]", { hasText: "Appendectomy report" });
    await report.getByText("Who has seen it, and when").click();
    await report.getByTestId("access-history").getByText(`${doctor2.displayName} could open it in an emergency until`).waitFor();
    await screenshot(page, "emergency-patient");
    await notice.getByRole("button", { name: "Dismiss" }).click();
    await notice.waitFor({ state: "detached" });
    await page.reload();
    await page.getByTestId("emergency-history").waitFor();
    expect(await page.getByTestId("emergency-notice").count(), "dismissed on this device").to.equal(0);

    const admin = await pool.as("admin", "/admin");
    const review = admin.page.getByTestId("break-glass-review");
    const reviewed = review.locator("tbody tr", { hasText: patient4.displayName });
    await reviewed.waitFor();
    expect(await reviewed.textContent())
      .to.contain(doctor2.displayName)
      .and.contain("A life-threatening emergency")
      .and.contain("open now");
    await review.scrollIntoViewIfNeeded();
    await screenshot(admin.page, "emergency-admin");
    for (const [handle, session] of sessions) expect(session.pageErrors, handle).to.deep.equal([]);
    for (const [handle, session] of sessions) expect(session.ipfsRpcRequests, `${handle}: no request to the IPFS node's RPC API`).to.deep.equal([]);
  });

  it("a result held for review: the patient sees when it will be released and cannot open it; the doctor releases it and the patient opens it", async function () {
    const d = await as("doctor1", "/doctor");
    const form = d.page.getByRole("form", { name: "Upload a report" });
    const hold = form.getByLabel("Hold this result for review before it is released");
    await hold.check();
    expect(await form.locator("#upload-held-help").textContent()).to.contain("automatically after 3 days unless you release it sooner");
    const biopsy = await makeReportPdf({
      title: "Skin biopsy",
      patientName: patient5.displayName,
      doctorName: doctor1.displayName,
      department: "Cardiology",
      date: "2026-11-30",
      findings: ["Histology pending review.", `Marker ${Math.random()}`],
    });
    const review = await reviewUpload(d.page, {
      patient: patient5.address,
      file: { name: "biopsy.pdf", mimeType: "application/pdf", buffer: biopsy },
      title: "Skin biopsy",
      kind: "lab",
    });
    expect(await review.getByTestId("review-held").textContent()).to.contain("Held for review");
    await screenshot(d.page, "care-doctor-hold-review");
    await review.getByRole("button", { name: "Confirm and register" }).click();
    const heldRow = d.page.getByTestId("held-results").locator("li", { hasText: "Skin biopsy" });
    await heldRow.waitFor({ timeout: 120_000 });
    expect(await heldRow.getByTestId("held-when").textContent()).to.match(/^Released automatically on .+ unless you release it sooner\.$/);
    const reportId = (await heldRow.getAttribute("data-report"))!;
    await screenshot(d.page, "care-doctor-held");
    const issued = await downloadBytes(d.page, d.page.getByTestId("download-issued"));

    // Verifiable at once, and the public verify page says nothing of the hold (whether a result waits for its doctor is not the verifier's business).
    await goto(d.page, stack, "/verify");
    await d.page.getByTestId("verify-file").setInputFiles({ name: "biopsy.issued.pdf", mimeType: "application/pdf", buffer: issued });
    const verdict = d.page.getByTestId("verdict");
    await verdict.waitFor();
    expect(await verdict.getAttribute("data-status")).to.equal("genuine");
    expect(await verdict.textContent()).to.not.match(/held|review|releas/i);

    // The patient: the result is listed, with who and when, and no Open button (nor sharing).
    const p = await as("patient5", "/patient");
    const row = p.page.getByTestId("patient-reports").locator(`tr[data-report="${reportId}"]`);
    const notice = row.getByTestId("held-notice");
    await notice.waitFor();
    expect(await notice.textContent())
      .to.contain(`A result from ${doctor1.displayName}`)
      .and.match(/will be released on .+\.$/);
    expect(await row.getByRole("button", { name: "Open" }).count()).to.equal(0);
    expect(await row.getByText("Skin biopsy").count(), "the title is encrypted: not shown before the release").to.equal(0);
    await screenshot(p.page, "care-patient-held");

    // The doctor releases it (a confirmation, then a toast).
    const doctorAgain = await as("doctor1", "/doctor");
    const release = doctorAgain.page.getByTestId("held-results").locator(`li[data-report="${reportId}"]`);
    await release.getByRole("button", { name: `Release “Skin biopsy” to ${patient5.displayName}` }).click();
    await confirmDialog(doctorAgain.page).getByText("The patient will be able to open this result now.").waitFor();
    await confirmAction(doctorAgain.page, "Release to the patient");
    await waitForToast(doctorAgain.page, "success", `${patient5.displayName} can open “Skin biopsy” now.`, 120_000);
    await release.waitFor({ state: "detached" });
    await screenshot(doctorAgain.page, "care-doctor-released");

    // The patient opens it now: the genuine file (its digest is the claim's).
    const p2 = await as("patient5", "/patient");
    const opened = p2.page.getByTestId("patient-reports").locator(`tr[data-report="${reportId}"]`);
    await opened.getByTestId("report-title").getByText("Skin biopsy").waitFor();
    const bytes = await openReport(p2.page, opened);
    expect(Buffer.compare(bytes, issued)).to.equal(0);
    expect(claimIdOf(`0x${createHash("sha256").update(bytes).digest("hex")}`, doctor1.address)).to.equal(reportId);
    await screenshot(p2.page, "care-patient-released");
    for (const [handle, session] of sessions) expect(session.pageErrors, handle).to.deep.equal([]);
    for (const [handle, session] of sessions) expect(session.ipfsRpcRequests, `${handle}: no request to the IPFS node's RPC API`).to.deep.equal([]);
  });
});
