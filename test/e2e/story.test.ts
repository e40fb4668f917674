/**
 * The whole MedLedger story through the browser, one person per browser context with their own
 * injected wallet: admin adds staff → reception registers a patient (from the patient's signed
 * registration code) and assigns a doctor → the doctor uploads a PDF → the patient opens it and
 * gets identical bytes → shares with a second doctor, who opens it → revokes → the verify page
 * accepts the original and rejects a one-byte-changed copy. Plus the refusals: an upload for an
 * unassigned patient, and a stranger who sees no reports.
 */
import { expect } from "chai";
import { after, before, describe, it } from "mocha";
import type { Browser } from "playwright-core";
import { makeReportPdf } from "#local-stack/seed/pdf.ts";
import { goto, openSession, sessionPool, type AppSession } from "#harness/browser/app.ts";
import { launchBrowser, screenshot } from "#harness/browser/browser.ts";
import {
  addDemoStaff,
  confirmAction,
  demoPerson,
  downloadBytes,
  unlockKey,
  openReport,
  canvasHasInk,
  reviewUpload,
  reportViewer,
  waitForToast,
} from "#harness/browser/flows.ts";
import { startE2EStack, type E2EStack } from "#harness/browser/stack.ts";

describe("web app: the full story (browser)", function () {
  this.timeout(600_000);
  let stack: E2EStack;
  let browser: Browser;
  const pool = sessionPool(() => ({ browser, stack }));
  const sessions = pool.sessions;
  let pdf: Buffer;
  /** The issued file (with its serial), downloaded after the upload: the one registered. */
  let issued: Buffer;
  const patient = demoPerson("patient1");
  const doctor = demoPerson("doctor1");
  const secondDoctor = demoPerson("doctor2");

  const as = (handle: string, path: string): Promise<AppSession> => pool.as(handle, path);

  before(async function () {
    stack = await startE2EStack();
    browser = await launchBrowser();
    pdf = Buffer.from(
      await makeReportPdf({
        title: "Cardiology consultation",
        patientName: patient.displayName,
        doctorName: doctor.displayName,
        department: "Cardiology",
        date: "2026-11-25",
        findings: ["Sinus rhythm, 64 bpm.", "No murmurs.", `Random marker ${Math.random()}`],
      }),
    );
  });

  after(async function () {
    await pool.closeAll();
    await browser?.close();
    await stack?.stop();
  });

  it("admin adds two doctors and a receptionist", async function () {
    const admin = await as("admin", "/admin");
    await admin.page.getByRole("heading", { name: "Staff", exact: true }).waitFor();
    for (const handle of ["doctor1", "doctor2", "receptionist1"]) await addDemoStaff(admin.page, handle);
  });

  it("the doctors unlock and publish their encryption keys", async function () {
    for (const handle of ["doctor1", "doctor2"]) {
      const session = await as(handle, "/doctor");
      await unlockKey(session.page);
      await session.page.getByRole("heading", { name: "Upload a report" }).waitFor();
    }
  });

  it("the reception registers the patient from their registration code and assigns the doctor", async function () {
    const p = await as("patient1", "/patient");
    await p.page.getByRole("button", { name: "Create my registration code" }).click();
    const code = await p.page.getByTestId("registration-code").inputValue();
    expect(code).to.match(/^medledger-registration:/);
    await screenshot(p.page, "patient-registration-code");

    const reception = await as("receptionist1", "/reception");
    await unlockKey(reception.page); // publishes the receptionist's key: the profile is sealed for it too
    // That first key's transaction is announced like every other, in the toast, once confirmed.
    await waitForToast(reception.page, "success", "Your encryption key is published", 60_000);
    const form = reception.page.getByRole("form", { name: "Register a patient" });
    await form.getByLabel("Registration code").fill(code);
    await form.getByLabel("Full name").fill(patient.displayName);
    await form.getByLabel("Date of birth").fill("1980-04-12");
    await form.getByLabel("Email").fill("alice@example.org");
    await form.getByLabel("Assign a doctor").selectOption({ label: `${doctor.displayName} (${doctor.department})` });
    // The account in the pasted code, shown for the receptionist to confirm with the patient.
    await form.getByTestId("registration-account").getByText(patient.address).waitFor();
    await form.getByRole("button", { name: "Register patient" }).click();
    // Announced once, by the transaction's toast (confirmed by the network), not again in the form.
    const done = await waitForToast(
      reception.page,
      "success",
      `Registered ${patient.displayName} (${patient.address.slice(0, 6)}…${patient.address.slice(-2)}) as a patient and assigned them to ${doctor.displayName}.`,
      120_000,
    );
    expect(await done.textContent()).to.contain("Confirmed by the network.");
    const row = reception.page.getByTestId("patients-table").locator(`tr[data-patient="${patient.address}"]`);
    await row.getByText(doctor.displayName).first().waitFor();
    // The reception reads the name from the sealed profile (decrypted in the browser), once it has
    // opened it (the row is there as soon as the list is read again, the profile opens after).
    await row.filter({ hasNotText: "profile not sealed for you" }).getByText(patient.displayName).first().waitFor();
    await screenshot(reception.page, "reception-registered");
  });

  it("the doctor uploads a PDF report for the patient (a rejected registration is retried without re-uploading)", async function () {
    const d = await as("doctor1", "/doctor");
    await unlockKey(d.page);
    const adds: string[] = [];
    d.page.on("request", (request) => {
      if (request.method() === "POST" && new URL(request.url()).pathname === "/api/ipfs") adds.push(request.url());
    });
    // The review step: the file drawn in the page (pdf.js, non-blank), with its title, kind and patient.
    const review = await reviewUpload(d.page, {
      patient: patient.address,
      file: { name: "consultation.pdf", mimeType: "application/pdf", buffer: pdf },
      title: "Cardiology consultation",
      kind: "consult",
    });
    const page1 = review.getByTestId("report-page").first();
    await page1.waitFor();
    expect(await canvasHasInk(page1), "the preview shows the PDF's page").to.equal(true);
    expect(await review.getByTestId("review-title").textContent()).to.equal("Cardiology consultation");
    expect(await review.getByTestId("review-patient").textContent()).to.contain(patient.displayName);
    await screenshot(d.page, "doctor-upload-review");
    expect(adds, "nothing is stored before Confirm").to.have.length(0);
    // The doctor first rejects the registration transaction: the encrypted file stays on IPFS and
    // the retry only sends the registration.
    d.wallet.rejectNext("eth_sendTransaction");
    await review.getByRole("button", { name: "Confirm and register" }).click();
    // The failure is the transaction toast's, with the plain reason; the review keeps only the retry note.
    const rejected = await waitForToast(d.page, "error", "The report was not registered", 120_000);
    expect(await rejected.textContent()).to.contain("You rejected the request in your wallet");
    await review.getByText("The encrypted file is already stored; retrying only records it").waitFor();
    expect(await review.locator(".alert-error").count(), "the failure is not repeated in the page").to.equal(0);
    await screenshot(d.page, "doctor-upload-rejected");
    // The wallet holds the retry's transaction until the pending toast is seen (no race with a fast chain).
    const handle = d.wallet.handle.bind(d.wallet);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    d.wallet.handle = async (method, params) => {
      if (method === "eth_sendTransaction") await held;
      return handle(method, params);
    };
    try {
      await review.getByRole("button", { name: "Retry registration" }).click();
      const pending = await waitForToast(d.page, "loading", `Registering “Cardiology consultation” for ${patient.displayName}…`);
      expect(await pending.textContent()).to.contain("Confirm in your wallet if it asks");
      // Pictured once the toast has slid in (its transition over).
      await d.page.waitForFunction(() =>
        document.getAnimations().every((animation) => animation.playState !== "running" || animation.effect?.getTiming().iterations === Infinity),
      );
      await screenshot(d.page, "doctor-upload-toast-pending");
    } finally {
      release();
      d.wallet.handle = handle;
    }
    const confirmed = await waitForToast(d.page, "success", `Registered “Cardiology consultation” for ${patient.displayName}.`, 120_000);
    expect(await confirmed.textContent()).to.contain("Confirmed by the network.");
    const form = d.page.getByRole("form", { name: "Upload a report" });
    // What follows stays in the form: the report id and its verification link (no second success message).
    await form.getByTestId("upload-done").getByTestId("verify-link").waitFor();
    expect(await form.getByTestId("upload-done").textContent()).not.to.contain("Registered");
    await screenshot(d.page, "doctor-upload-toast-confirmed");
    expect(adds, "the ciphertext was stored once, through the server's gateway").to.have.length(1);
    // The form starts empty again: no patient left selected for the next report.
    expect(await form.getByLabel("Patient").inputValue()).to.equal("");
    expect(await form.getByLabel("Title").inputValue()).to.equal("");
    // The serial is shown, and the issued file (the one to give the patient) downloads.
    expect(await d.page.getByTestId("issued-serial").textContent()).to.match(/^ML(-[0-9A-F]{4}){8}$/);
    issued = await downloadBytes(d.page, d.page.getByTestId("download-issued"));
    expect(issued.subarray(0, 5).toString("latin1")).to.equal("%PDF-");
    expect(Buffer.compare(issued, pdf), "the issued file carries the serial").to.not.equal(0);
    expect(d.page.url()).to.contain("/doctor");
    await d.page.getByTestId("issued-reports").locator("tbody tr").first().waitFor();
    await screenshot(d.page, "doctor-uploaded");
  });

  it("the patient opens the report and downloads identical bytes", async function () {
    const p = await as("patient1", "/patient");
    await unlockKey(p.page);
    const row = p.page.getByTestId("patient-reports").locator("tbody tr").first();
    await row.waitFor();
    await row.getByTestId("report-title").getByText("Cardiology consultation").waitFor();
    expect(await row.getByTestId("report-title").textContent()).to.contain("Consultation");
    await row.getByRole("button", { name: "Open" }).click();
    const viewer = reportViewer(p.page);
    const drawn = viewer.getByTestId("report-page").first();
    await drawn.waitFor({ timeout: 60_000 });
    expect(await canvasHasInk(drawn), "the report is drawn in the page").to.equal(true);
    expect(await viewer.getByRole("heading", { name: "Cardiology consultation" }).count()).to.equal(1);
    await screenshot(p.page, "patient-report-viewer");
    await viewer.getByRole("button", { name: "Close" }).click();
    const bytes = await openReport(p.page, row);
    expect(Buffer.compare(bytes, issued)).to.equal(0);
    await screenshot(p.page, "patient-reports");
  });

  it("the patient shares it with a second doctor, who opens it", async function () {
    const p = await as("patient1", "/patient");
    await unlockKey(p.page);
    const row = p.page.getByTestId("patient-reports").locator("tbody tr").first();
    await row.getByRole("checkbox", { name: "Choose this report for sharing" }).check();
    const form = p.page.getByRole("form", { name: "Share reports with a doctor" });
    await form.getByLabel("Doctor").selectOption({ label: `${secondDoctor.displayName} (${secondDoctor.department})` });
    await form.getByRole("button", { name: "Share", exact: true }).click();
    await p.page.getByTestId("share-done").getByText(`${secondDoctor.displayName} can now read 1 report with no end date.`).waitFor();
    await row.locator(`li[data-reader="${secondDoctor.address}"]`).getByText("no end date").waitFor();

    const d2 = await as("doctor2", "/doctor");
    await unlockKey(d2.page);
    const shared = d2.page.getByTestId("shared-reports").locator("tbody tr").first();
    await shared.waitFor();
    const bytes = await openReport(d2.page, shared);
    expect(Buffer.compare(bytes, issued)).to.equal(0);
  });

  it("the patient revokes, and the second doctor no longer has the report", async function () {
    const p = await as("patient1", "/patient");
    await unlockKey(p.page);
    const reader = p.page.getByTestId("patient-reports").locator("tbody tr").first().locator(`li[data-reader="${secondDoctor.address}"]`);
    await reader.getByRole("button", { name: "Stop sharing", exact: true }).click();
    await confirmAction(reader);
    await reader.waitFor({ state: "detached" });

    const d2 = await as("doctor2", "/doctor");
    await unlockKey(d2.page);
    const shared = d2.page.getByTestId("shared-reports");
    await shared.waitFor();
    expect(await shared.textContent()).to.contain("No reports.");
  });

  it("the verify page accepts the issued file, rejects the original and a one-byte-changed copy; a link is only 'on record'", async function () {
    const visitor = await openSession(browser, stack);
    try {
      await goto(visitor.page, stack, "/verify");
      await visitor.page.getByTestId("verify-file").setInputFiles({ name: "report.pdf", mimeType: "application/pdf", buffer: issued });
      const genuine = visitor.page.locator('[data-testid="verdict"][data-status="genuine"]');
      await genuine.waitFor();
      // The doctor's staff name is read from the chain after the verdict.
      await genuine.getByTestId("verdict-doctor").getByText(`${doctor.displayName}, ${doctor.department}`).waitFor();
      await screenshot(visitor.page, "verify-genuine");
      // The verification link (also shown as a QR code) opens the page pre-filled: without the file it says what is on record.
      const link = await genuine.getByTestId("verify-link").getAttribute("href");
      expect(link).to.match(/\/verify\?sha256=0x[0-9a-f]{64}&sha1=0x[0-9a-f]{40}$/);
      await visitor.page.goto(link!, { waitUntil: "networkidle" });
      const onRecord = visitor.page.locator('[data-testid="verdict"][data-status="on-record"]');
      await onRecord.waitFor();
      expect(await onRecord.textContent())
        .to.contain("check the file itself")
        .and.contain(doctor.displayName);

      await goto(visitor.page, stack, "/verify");
      await visitor.page.getByTestId("verify-file").setInputFiles({ name: "original.pdf", mimeType: "application/pdf", buffer: pdf });
      await visitor.page.locator('[data-testid="verdict"][data-status="not-registered"]').waitFor();

      await goto(visitor.page, stack, "/verify");
      const altered = Buffer.from(issued);
      const middle = Math.floor(altered.length / 2);
      altered[middle] = (altered[middle] ?? 0) ^ 0x01;
      await visitor.page.getByTestId("verify-file").setInputFiles({ name: "altered.pdf", mimeType: "application/pdf", buffer: altered });
      await visitor.page.locator('[data-testid="verdict"][data-status="not-registered"]').waitFor();
      await screenshot(visitor.page, "verify-altered");
    } finally {
      await visitor.close();
    }
  });

  it("the doctor cannot upload for an unassigned patient, and the page says why", async function () {
    // patient1 is registered, but assigned to doctor1 only.
    const d = await as("doctor2", "/doctor");
    await unlockKey(d.page);
    const review = await reviewUpload(d.page, {
      patient: patient.address,
      file: { name: "other.pdf", mimeType: "application/pdf", buffer: pdf },
      title: "Other",
      kind: "other",
    });
    await review.getByRole("button", { name: "Confirm and register" }).click();
    const alert = await waitForToast(d.page, "error", "The report was not registered", 120_000);
    const message = (await alert.textContent()) ?? "";
    expect(message).to.contain("is not assigned to you").and.contain("Ask the reception to assign");
    await screenshot(d.page, "doctor-unassigned");
  });

  it("the doctor's review refuses a file that is not a PDF, PNG or JPEG, saying why, before anything is stored", async function () {
    const d = await as("doctor1", "/doctor");
    await unlockKey(d.page);
    const form = d.page.getByRole("form", { name: "Upload a report" });
    await form.getByLabel("Patient").fill(patient.address);
    await form
      .getByLabel("Report file (PDF, PNG or JPEG)")
      .setInputFiles({ name: "notes.pdf", mimeType: "application/pdf", buffer: Buffer.from("Patient notes, plain text\n") });
    await form.getByLabel("Title").fill("Notes");
    await form.getByLabel("Kind of report").selectOption("other");
    await form.getByRole("button", { name: "Review before registering" }).click();
    const alert = form.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).to.contain("This file cannot be registered");
    expect(await d.page.getByTestId("upload-review").count()).to.equal(0);
    await screenshot(d.page, "doctor-upload-refused-type");
  });

  it("a stranger sees no reports", async function () {
    const s = await as("stranger", "/patient");
    await s.page.getByTestId("registration").waitFor();
    expect(await s.page.getByTestId("patient-reports").count()).to.equal(0);
    await goto(s.page, stack, "/doctor");
    await s.page.getByTestId("no-role").waitFor();
    for (const session of sessions.values()) expect(session.pageErrors).to.deep.equal([]);
  });

  it("no page of anyone in the story sent a single request to the IPFS node's RPC API (uploads and reads went through the server's gateway)", function () {
    expect(sessions.size).to.be.greaterThan(4);
    for (const [handle, session] of sessions) expect(session.ipfsRpcRequests, handle).to.deep.equal([]);
  });
});
