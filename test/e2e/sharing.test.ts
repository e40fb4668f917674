/**
 * A patient's sharing through the browser, over the seeded demo (patient5 holds three reports: two
 * by doctor1, one by doctor3): sharing all reports with a second doctor until a day in one step,
 * who opens one; stopping that with re-encryption, after which the doctor is refused in plain
 * words; sharing two ticked reports with another doctor and stopping everything with them; and
 * replacing the patient's encryption key, after which the reports still open. Between them: who
 * can read each report, a doctor's patients and the reception's list come from the indexer, and a
 * row a lying indexer adds is not shown.
 */
import { expect } from "chai";
import { after, before, describe, it } from "mocha";
import type { Browser, Locator, Page } from "playwright-core";
import { connectTestWallet, goto, openSession, sessionPool, type AppSession } from "#harness/browser/app.ts";
import { launchBrowser, PHONE, screenshot } from "#harness/browser/browser.ts";
import { confirmAction, confirmDialog, demoPerson, unlockKey, openReport, waitForToast } from "#harness/browser/flows.ts";
import { startE2EStack, type E2EStack } from "#harness/browser/stack.ts";
import { createPublicClient, http } from "viem";
import { medLedgerAbi } from "#core/contract/generated/medLedger.ts";
import { waitUntil } from "#local-stack/processes.ts";

/** A plain reader of the stack's chain, to check what the page did. */
const ledgerOf = (stack: E2EStack) => ({ publicClient: createPublicClient({ transport: http(stack.rpcUrl) }) });

const DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
/** YYYY-MM-DD `days` from today (UTC), and how the app writes it ("1 Dec 2027"). */
function dayFromNow(days: number): { input: string; shown: string } {
  const date = new Date(Date.now() + days * 86_400_000);
  return { input: date.toISOString().slice(0, 10), shown: DAY.format(date) };
}

describe("web app: a patient shares several reports, stops sharing, re-encrypts and replaces their key (browser, seeded)", function () {
  this.timeout(600_000);
  let stack: E2EStack;
  let browser: Browser;
  const pool = sessionPool(() => ({ browser, stack }));
  const sessions = pool.sessions;
  const doctor1 = demoPerson("doctor1");
  const doctor2 = demoPerson("doctor2");
  const doctor3 = demoPerson("doctor3");
  const until = dayFromNow(365);
  /** The report re-encrypted in the second test. */
  let rekeyedId: string;

  async function as(handle: string, path: string): Promise<AppSession> {
    const session = await pool.as(handle, path);
    await unlockKey(session.page);
    return session;
  }

  const reportsOf = (page: Page): Locator => page.getByTestId("patient-reports");
  const readerOn = (row: Locator, account: string): Locator => row.getByTestId("report-readers").locator(`li[data-reader="${account}"]`);
  const shareForm = (page: Page): Locator => page.getByRole("form", { name: "Share reports with a doctor" });
  const doctorOption = (d: ReturnType<typeof demoPerson>) => ({ label: `${d.displayName} (${d.department})` });

  before(async function () {
    stack = await startE2EStack({ seed: true });
    browser = await launchBrowser();
  });

  after(async function () {
    await pool.closeAll();
    await browser?.close();
    await stack?.stop();
  });

  it("the patient shares all their reports with a second doctor until a day, in one transaction; the doctor opens one", async function () {
    const { page, wallet } = await as("patient5", "/patient");
    const rows = reportsOf(page).locator("tbody tr");
    await rows.nth(2).waitFor();
    expect(await rows.count()).to.equal(3);
    const form = shareForm(page);
    await form.getByLabel("Doctor").selectOption(doctorOption(doctor2));
    await form.getByLabel("All my reports (3)").check();

    // A day that has passed is refused in plain words, before anything is sent.
    await form.getByLabel("Until (optional)").fill("2020-01-01");
    await form.getByRole("button", { name: "Share", exact: true }).click();
    await form.getByText("Choose today or a later day: 1 Jan 2020 has already passed.").waitFor();
    await screenshot(page, "sharing-past-date");

    await form.getByLabel("Until (optional)").fill(until.input);
    const sent = wallet.calls.filter((m) => m === "eth_sendTransaction").length;
    await form.getByRole("button", { name: "Share", exact: true }).click();
    const done = page.getByTestId("share-done");
    await done.waitFor();
    expect(await done.textContent()).to.equal(`${doctor2.displayName} can now read 3 reports until ${until.shown}.`);
    expect(wallet.calls.filter((m) => m === "eth_sendTransaction").length - sent, "one transaction").to.equal(1);

    // Every report lists the doctor with the end day, next to its issuer.
    for (let i = 0; i < 3; i++) {
      const reader = readerOn(rows.nth(i), doctor2.address);
      await reader.waitFor();
      expect(await reader.textContent()).to.contain(`${doctor2.displayName} — until ${until.shown}`);
    }
    expect(await rows.first().getByTestId("report-readers").textContent()).to.contain("(issued it)");
    await screenshot(page, "sharing-shared-all");

    const d2 = await as("doctor2", "/doctor");
    const shared = d2.page.getByTestId("shared-reports").locator("tbody tr");
    await shared.nth(2).waitFor();
    const bytes = await openReport(d2.page, shared.first());
    expect(bytes.subarray(0, 5).toString("latin1")).to.equal("%PDF-");
    await screenshot(d2.page, "sharing-doctor2-opened");
  });

  it("who can read each report, a doctor's patients and the reception's patients are the indexer's lists, and a row it made up is not shown (each row is checked on chain)", async function () {
    const patient3 = demoPerson("patient3");
    const stranger = demoPerson("stranger");
    /**
     * An indexer that lies: its pages of `list` reach the page with one made-up row added (`forged`
     * builds it from a real one); returns the list requests the page made.
     */
    async function lyingIndexer(page: Page, list: string, forged: (real: Record<string, unknown>) => Record<string, unknown>): Promise<string[]> {
      const served: string[] = [];
      await page.route(`**/api/indexer/v1/${list}?*`, async (route) => {
        const response = await route.fetch();
        const body = (await response.json()) as { items: Record<string, unknown>[]; total: number };
        served.push(route.request().url());
        if (body.items[0]) body.items.push(forged(body.items[0]));
        await route.fulfill({ response, json: { ...body, total: body.total + 1 } });
      });
      return served;
    }

    // The patient: a grant to a stranger the patient never shared with, added to the indexer's grants.
    const patientPage = sessions.get("patient5")!.page;
    const grants = await lyingIndexer(patientPage, "grants", (real) => ({ ...real, reader: stranger.address }));
    const { page } = await as("patient5", "/patient");
    const rows = reportsOf(page).locator("tbody tr");
    for (let i = 0; i < 3; i++) await readerOn(rows.nth(i), doctor2.address).waitFor();
    expect(
      grants.some((url) => url.includes(`patient=${demoPerson("patient5").address}`)),
      "readers from /v1/grants",
    ).to.equal(true);
    await page.getByTestId("shared-doctors").locator(`li[data-reader="${doctor2.address}"]`).waitFor();
    expect(await page.locator(`[data-reader="${stranger.address}"]`).count(), "the made-up grant is not shown").to.equal(0);
    await patientPage.unrouteAll();

    // A doctor: patient3 (doctor2's and doctor3's) passed off as doctor1's.
    const d1 = await pool.as("doctor1", "/doctor");
    const assignments = await lyingIndexer(d1.page, "patients", (real) => ({ ...real, account: patient3.address }));
    await as("doctor1", "/doctor");
    const mine = d1.page.getByTestId("my-patients");
    for (const p of ["patient1", "patient2", "patient5"]) await mine.locator(`tr[data-patient="${demoPerson(p).address}"]`).waitFor();
    expect(
      assignments.some((url) => url.includes(`doctor=${doctor1.address}`)),
      "my patients from /v1/patients?doctor=",
    ).to.equal(true);
    expect(await mine.locator("tbody tr").count()).to.equal(3);
    expect(await mine.locator(`tr[data-patient="${patient3.address}"]`).count(), "the made-up assignment is not shown").to.equal(0);
    await d1.page.unrouteAll();

    // The reception: a stranger passed off as a registered patient.
    const reception = await pool.as("receptionist1", "/reception");
    const registered = await lyingIndexer(reception.page, "patients", (real) => ({ ...real, account: stranger.address }));
    await as("receptionist1", "/reception");
    const table = reception.page.getByTestId("patients-table");
    await table.locator(`tr[data-patient="${patient3.address}"]`).waitFor();
    expect(registered.length, "the reception's patients from /v1/patients").to.be.greaterThan(0);
    expect(await table.locator("tbody tr").count()).to.equal(5);
    expect(await table.locator(`tr[data-patient="${stranger.address}"]`).count(), "the made-up patient is not shown").to.equal(0);
    await screenshot(reception.page, "sharing-reception-from-indexer");
    await reception.page.unrouteAll();
  });

  it("the patient stops sharing one report and re-encrypts it; the doctor is then refused in plain words", async function () {
    // The doctor's page still lists the report (opened before the patient acts).
    const d2 = sessions.get("doctor2")!;
    const staleRows = d2.page.getByTestId("shared-reports").locator("tbody tr");
    rekeyedId = (await staleRows.first().getAttribute("data-report"))!;

    const { page } = await as("patient5", "/patient");
    const row = reportsOf(page).locator(`tr[data-report="${rekeyedId}"]`);
    const reader = readerOn(row, doctor2.address);
    await reader.getByRole("button", { name: "Stop sharing and re-encrypt", exact: true }).click();
    const confirm = confirmDialog(reader);
    expect(await confirm.textContent())
      .to.contain("even a copy of the old key")
      .and.contain("takes a moment");
    await screenshot(page, "sharing-confirm-rekey");
    await confirm.getByRole("button", { name: "Stop sharing and re-encrypt", exact: true }).click();
    await waitForToast(page, "success", `${doctor2.displayName} can no longer open this report, and it is now locked with a new key.`, 120_000);
    await reader.waitFor({ state: "detached" });
    await screenshot(page, "sharing-rekeyed");

    const staleRow = d2.page.getByTestId("shared-reports").locator(`tr[data-report="${rekeyedId}"]`);
    await staleRow.getByRole("button", { name: "Open" }).click();
    const refusal = staleRow.getByRole("alert");
    await refusal.waitFor();
    expect(await refusal.textContent())
      .to.contain("The patient revoked your access to this report.")
      .and.not.match(/0x[0-9a-f]{8}/i);
    await screenshot(d2.page, "sharing-doctor2-refused");

    // Reloaded, the doctor's list keeps the two reports still shared.
    await as("doctor2", "/doctor");
    await d2.page.getByTestId("shared-reports").locator("tbody tr").nth(1).waitFor();
    expect(await d2.page.getByTestId("shared-reports").locator("tbody tr").count()).to.equal(2);
  });

  it("the patient shares two ticked reports with another doctor, then stops sharing everything with them: refused", async function () {
    const { page } = await as("patient5", "/patient");
    const byDoctor1 = reportsOf(page).locator("tbody tr", { hasText: doctor1.displayName });
    await byDoctor1.nth(1).waitFor();
    for (let i = 0; i < 2; i++) await byDoctor1.nth(i).getByRole("checkbox", { name: "Choose this report for sharing" }).check();
    const form = shareForm(page);
    expect(await form.getByLabel("Only the reports I tick in the list below (2 ticked)").isChecked()).to.equal(true);
    await form.getByLabel("Doctor").selectOption(doctorOption(doctor3));
    await form.getByRole("button", { name: "Share", exact: true }).click();
    const done = page.getByTestId("share-done");
    await done.getByText(`${doctor3.displayName} can now read 2 reports with no end date.`).waitFor();
    await readerOn(byDoctor1.first(), doctor3.address).getByText("no end date").waitFor();

    const d3 = await as("doctor3", "/doctor");
    // (The seed shares one of another patient's reports with doctor3 too.)
    const shared = d3.page.getByTestId("shared-reports").locator("tbody tr", { hasText: "Eva Schmidt" });
    await shared.nth(1).waitFor();
    expect(await shared.count()).to.equal(2);

    await as("patient5", "/patient");
    const entry = page.getByTestId("shared-doctors").locator(`li[data-reader="${doctor3.address}"]`);
    await entry.getByText("can read 2 reports you shared").waitFor();
    const stopAll = entry.getByRole("button", { name: `Stop sharing everything with ${doctor3.displayName}` });
    // By keyboard: the confirmation takes the focus (on Cancel, the safe choice), Escape cancels and gives the focus back.
    await stopAll.focus();
    await page.keyboard.press("Enter");
    const confirm = confirmDialog(entry);
    await confirm.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).to.equal("Cancel");
    await page.keyboard.press("Escape");
    await confirm.waitFor({ state: "detached" });
    expect(await page.evaluate(() => document.activeElement?.textContent)).to.equal(`Stop sharing everything with ${doctor3.displayName}`);
    await page.keyboard.press("Enter");
    expect(await confirm.textContent()).to.contain("will no longer be able to open any report you shared with them");
    await screenshot(page, "sharing-confirm-stop-everything");
    await confirm.getByRole("button", { name: "Confirm" }).click();
    await waitForToast(page, "success", `You no longer share any report with ${doctor3.displayName}.`);
    await entry.waitFor({ state: "detached" });

    await shared.first().getByRole("button", { name: "Open" }).click();
    const refusal = shared.first().getByRole("alert");
    await refusal.waitFor();
    expect(await refusal.textContent()).to.contain("The patient revoked your access to this report.");
    await screenshot(d3.page, "sharing-doctor3-refused");
  });

  it("the patient replaces their encryption key, and their reports still open", async function () {
    const { page, wallet } = await as("patient5", "/patient");
    const card = page.getByTestId("encryption-key");
    await card.getByText("You are using key number 1.").waitFor();
    await card.getByRole("button", { name: "Replace my encryption key" }).click();
    const confirm = confirmDialog(card);
    expect(await confirm.textContent()).to.contain("Every report stays readable");
    await screenshot(page, "sharing-confirm-rotation");
    const before = wallet.calls.length;
    await confirm.getByRole("button", { name: "Replace my key" }).click();
    const done = (await waitForToast(page, "success", "Your encryption key was replaced.", 120_000)).getByTestId("rotation-done");
    expect(await done.textContent()).to.equal("Your encryption key was replaced. 3 reports now open with your new key: every report stays readable.");
    await card.getByText("You are using key number 2.").waitFor();
    const asked = wallet.calls.slice(before);
    console.log(
      `      rotation asked the wallet for ${asked.filter((m) => m.startsWith("eth_signTypedData")).length} signatures, ${asked.filter((m) => m === "eth_sendTransaction").length} transactions`,
    );
    await screenshot(page, "sharing-rotated");

    const row = reportsOf(page).locator(`tr[data-report="${rekeyedId}"]`);
    const bytes = await openReport(page, row);
    expect(bytes.subarray(0, 5).toString("latin1")).to.equal("%PDF-");
    await row.getByText("Opened: decrypted on this device and checked against the chain.").waitFor();
  });

  it("an interrupted key replacement (the second transaction rejected) is completed with Finish", async function () {
    const { page, wallet } = await as("patient5", "/patient");
    const card = page.getByTestId("encryption-key");
    await card.getByText("You are using key number 2.").waitFor();
    // The wallet rejects the second transaction (updating the reports' keys), not the first (publishing the key).
    const handle = wallet.handle.bind(wallet);
    let sends = 0;
    wallet.handle = async (method, params) => {
      if (method === "eth_sendTransaction" && ++sends === 2) return { error: { code: 4001, message: "User rejected the request." } };
      return handle(method, params);
    };
    try {
      await card.getByRole("button", { name: "Replace my encryption key" }).click();
      await confirmAction(card, "Replace my key");
      await waitForToast(page, "error", "Your new key is published, but your reports were not updated for it", 120_000);
      await card.getByText("Some reports still use your old key").waitFor();
      await card.getByText("You are using key number 3.").waitFor();
      await screenshot(page, "sharing-rotation-interrupted");
    } finally {
      wallet.handle = handle;
    }
    await card.getByRole("button", { name: "Finish" }).click();
    const done = (await waitForToast(page, "success", "Done.", 120_000)).getByTestId("rotation-done");
    expect(await done.textContent()).to.equal("Done. 3 reports now open with your new key: every report stays readable.");
    const row = reportsOf(page).locator("tbody tr").first();
    const bytes = await openReport(page, row);
    expect(bytes.subarray(0, 5).toString("latin1")).to.equal("%PDF-");
  });

  it("a patient appoints a guardian, who opens a report and shares it for them (attributed to the guardian); the patient ends it", async function () {
    const stranger = demoPerson("stranger");
    const patient4 = demoPerson("patient4");
    const ledger = ledgerOf(stack);
    // The guardian-to-be opens the guardian page once: their key is published.
    const guardianSession = await as("stranger", "/guardian");
    await guardianSession.page.getByText("You are not a guardian of any patient.").waitFor();

    const { page } = await as("patient4", "/patient");
    const card = page.getByTestId("guardians");
    await card.getByText("No guardian.").waitFor();
    await card.getByLabel("Guardian's account").fill(stranger.address);
    await card.getByRole("button", { name: "Appoint guardian" }).click();
    await waitForToast(page, "success", `${stranger.displayName} is now your guardian.`);
    const listed = card.locator(`li[data-guardian="${stranger.address}"]`);
    await listed.getByText("no end date, appointed by you").waitFor();
    await screenshot(page, "guardians-patient-card");

    // The hospital's custody worker gives the guardian the keys of the patient's reports.
    await waitUntil("the custodian re-wrapped the keys for the guardian", async () => {
      const logs = await ledger.publicClient.getContractEvents({
        address: stack.deployment.address,
        abi: medLedgerAbi,
        eventName: "KeysRewrappedByCustodian",
        args: { reader: stranger.address },
        fromBlock: stack.deployment.deployBlock,
      });
      return logs.length > 0;
    });

    const guardian = guardianSession.page;
    await goto(guardian, stack, "/guardian");
    await unlockKey(guardian);
    await guardian.getByRole("link", { name: "Guardian", exact: true }).waitFor();
    await guardian.getByTestId("wards").locator(`li[data-ward="${patient4.address}"]`).getByText("no end date, appointed by the patient").waitFor();
    const rows = guardian.getByTestId("ward-reports").locator("tbody tr");
    await rows.nth(1).waitFor();
    const row = rows.filter({ hasText: "Appendectomy report" });
    const bytes = await openReport(guardian, row);
    expect(bytes.subarray(0, 5).toString("latin1")).to.equal("%PDF-");

    const form = shareForm(guardian);
    await form.getByLabel("Doctor").selectOption(doctorOption(doctor1));
    await form.getByLabel("All their reports (2)").check();
    await form.getByRole("button", { name: "Share", exact: true }).click();
    const done = guardian.getByTestId("share-done");
    await done.waitFor();
    expect(await done.textContent()).to.equal(`${doctor1.displayName} can now read 2 reports with no end date.`);
    await readerOn(row, doctor1.address).waitFor();
    await screenshot(guardian, "guardians-guardian-page");
    const acted = await ledger.publicClient.getContractEvents({
      address: stack.deployment.address,
      abi: medLedgerAbi,
      eventName: "ActedAsGuardian",
      args: { patient: patient4.address },
      fromBlock: stack.deployment.deployBlock,
    });
    expect(acted.map((log) => log.args.guardian)).to.deep.equal([stranger.address]);

    // The patient ends the guardianship.
    await goto(page, stack, "/patient");
    await unlockKey(page);
    await listed.getByRole("button", { name: `End ${stranger.displayName}'s guardianship` }).click();
    await confirmAction(page, "End the guardianship");
    await waitForToast(page, "success", `${stranger.displayName} is no longer your guardian.`);
    await card.getByText("No guardian.").waitFor();
    await goto(guardian, stack, "/guardian");
    await unlockKey(guardian);
    await guardian.getByText("You are not a guardian of any patient.").waitFor();
    expect(await guardian.getByRole("link", { name: "Guardian", exact: true }).count()).to.equal(0);

    // The reception appoints one for the patient until a day: the patient sees it and cannot end it; the reception can.
    const reception = (await as("receptionist1", "/reception")).page;
    const desk = reception.getByTestId("reception-guardians");
    await desk.getByLabel("Patient").selectOption(patient4.address);
    await desk.getByLabel("Guardian's account").fill(stranger.address);
    await desk.getByLabel("Ends on (optional)").fill(until.input);
    await desk.getByRole("button", { name: "Appoint guardian" }).click();
    await waitForToast(reception, "success", `${stranger.displayName} is now ${patient4.displayName}'s guardian, ending on ${until.shown}.`);
    const appointed = desk.locator(`li[data-guardian="${stranger.address}"]`);
    await appointed.getByText(`ends on ${until.shown}, appointed by the reception`).waitFor();
    await screenshot(reception, "guardians-reception");
    await goto(page, stack, "/patient");
    await unlockKey(page);
    await listed.getByTestId("reception-guardian-note").waitFor();
    expect(await listed.getByRole("button", { name: /End .* guardianship/ }).count(), "no End button for the patient").to.equal(0);
    await appointed.getByRole("button", { name: `End ${stranger.displayName}'s guardianship` }).click();
    await confirmAction(reception, "End the guardianship");
    await waitForToast(reception, "success", `${stranger.displayName} is no longer ${patient4.displayName}'s guardian.`);
  });

  it("the patient page fits a phone (390 px) without sideways scrolling", async function () {
    const phone = await openSession(browser, stack, { person: "patient5", viewport: PHONE });
    try {
      await goto(phone.page, stack, "/patient");
      await connectTestWallet(phone.page);
      await unlockKey(phone.page);
      await reportsOf(phone.page).locator("tbody tr").nth(2).waitFor();
      await phone.page.getByTestId("encryption-key").waitFor();
      const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
      await screenshot(phone.page, "sharing-patient-phone");
      expect(width).to.be.at.most(PHONE.width);
      expect(phone.pageErrors).to.deep.equal([]);
    } finally {
      await phone.close();
    }
    for (const [handle, session] of sessions) expect(session.pageErrors, handle).to.deep.equal([]);
    for (const [handle, session] of sessions) expect(session.ipfsRpcRequests, `${handle}: no request to the IPFS node's RPC API`).to.deep.equal([]);
  });
});
