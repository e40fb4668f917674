/**
 * Reception and admin usability over the seeded demo, in a real browser with each person's own
 * injected wallet: one instruction for new patients on the home, patient and reception pages; the
 * patient's registration code as a QR code and a short code (copied, with "Copied" feedback); the
 * reception registers them by typing the short code (the account shown to confirm), or by pasting
 * the full code, or by scanning the QR code with the camera (a fake camera showing a real code:
 * Chromium on Linux has no BarcodeDetector, so ZXing's WebAssembly, served by the app, reads it);
 * success messages name what was done; Assign turns into a disabled "Assigned";
 * profile editing refuses a future date of birth in plain words; the patient list, the staff list
 * and the audit trail are searchable; the activity CSV holds the on-chain rows shown.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { after, before, describe, it } from "mocha";
import type { Browser, Locator, Page } from "playwright-core";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { unlockIdentity } from "#core/identity/encryptionKey.ts";
import { createLedgerWriter } from "#core/node/clients.ts";
import { createRegistrationRequest, encodeRegistrationRequest } from "#core/patients/registration.ts";
import { shortCodeOf } from "#core/patients/shortCode.ts";
import { DEFAULT_MAX_FILE_BYTES } from "#core/reports/limits.ts";
import { DATE_OF_BIRTH_FUTURE_MESSAGE, EMAIL_FORMAT_MESSAGE } from "#core/validation.ts";
import { connectTestWallet, goto, openSession, sessionPool, type AppSession } from "#harness/browser/app.ts";
import { launchBrowser, screenshot } from "#harness/browser/browser.ts";
import { qrFrameY4m } from "#harness/browser/fakeCamera.ts";
import { demoPerson, unlockKey, waitForToast, waitForValue } from "#harness/browser/flows.ts";
import { startE2EStack, type E2EStack } from "#harness/browser/stack.ts";

const NAME = "Ana Silva";

/** "0x71bE…88", as the app shortens an account in its messages. */
const short4 = (address: string) => `${address.slice(0, 6)}…${address.slice(-2)}`;

/** Rows of a table (not the spacer rows of a windowed one). */
const rowsOf = (table: Locator): Locator => table.locator("tbody tr[data-patient], tbody tr[data-account], tbody tr[data-event], tbody tr[data-source]");

describe("web app: reception and admin usability (browser, seeded)", function () {
  this.timeout(600_000);
  let stack: E2EStack;
  let browser: Browser;
  const pool = sessionPool(() => ({ browser, stack }));
  const stranger = demoPerson("stranger");
  const doctor1 = demoPerson("doctor1");
  const doctor2 = demoPerson("doctor2");
  const patient3 = demoPerson("patient3");
  /** The stranger's registration code and its short code, made on their page. */
  let code = "";
  let short = "";

  async function as(handle: string, path: string): Promise<AppSession> {
    const session = await pool.as(handle, path);
    await unlockKey(session.page);
    return session;
  }
  const sends = (session: AppSession) => session.wallet.calls.filter((m) => m === "eth_sendTransaction").length;
  const registerForm = (page: Page) => page.getByRole("form", { name: "Register a patient" });
  const strangerRow = (page: Page) => page.getByTestId("patients-table").locator(`tr[data-patient="${stranger.address}"]`);

  before(async function () {
    stack = await startE2EStack({ seed: true });
    browser = await launchBrowser();
  });

  after(async function () {
    await pool.closeAll();
    await browser?.close();
    await stack?.stop();
  });

  it("gives new patients one instruction, worded the same on the home, patient and reception pages", async function () {
    const home = await pool.as("stranger", "/");
    const wording = await home.page.getByTestId("new-patient-help").first().innerText();
    expect(wording).to.contain("Create your registration code").and.contain("show the QR code or read out the short code");
    expect(await home.page.getByText("Give them your account address:", { exact: true }).count(), "the old instruction is gone").to.equal(0);
    await screenshot(home.page, "reception-home-new-patient");
    const steps = (text: string) => text.slice(text.indexOf("Open the"));

    await pool.as("stranger", "/patient");
    const onPatient = await home.page.getByTestId("registration").getByTestId("new-patient-help").innerText();
    expect(steps(onPatient)).to.equal(steps(wording));

    const reception = await as("receptionist1", "/reception");
    const onReception = await registerForm(reception.page).getByTestId("new-patient-help").innerText();
    expect(steps(onReception)).to.equal(steps(wording));
  });

  it("shows the new patient's registration code as a QR code and a short code, and says 'Copied' when copied", async function () {
    const { page, context } = await pool.as("stranger", "/patient");
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: stack.webUrl });
    await page.getByRole("button", { name: "Create my registration code" }).click();
    const qr = page.getByTestId("registration-qr");
    await qr.waitFor();
    expect(await qr.evaluate((img) => (img as HTMLImageElement).naturalWidth)).to.be.greaterThan(100);
    code = await page.getByTestId("registration-code").inputValue();
    expect(code).to.match(/^medledger-registration:/);
    const shown = (await page.getByTestId("short-code").textContent()) ?? "";
    expect(shown).to.match(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    short = shown.replace("-", "");
    expect(short, "the short code is the code's own, not one the server picked").to.equal(shortCodeOf(code));
    await page.getByTestId("copy-short-code").click();
    await page.getByTestId("copy-short-code").getByText("Copied").waitFor();
    expect(await page.getByTestId("registration-handout").innerText()).to.contain(stranger.address);
    await screenshot(page, "reception-patient-qr-short-code");
  });

  it("takes a pasted full code too (the account shown to confirm), and refuses a damaged one in plain words", async function () {
    const reception = await as("receptionist1", "/reception");
    const form = registerForm(reception.page);
    const field = form.getByLabel("Short code or registration code");
    await field.fill(code);
    await form.getByTestId("registration-account").getByText(stranger.address).waitFor();
    await field.fill(`${code.slice(0, 60)}`);
    await form.getByText("This code cannot be used").waitFor();
    expect(await form.getByRole("alert").innerText()).to.match(/not a MedLedger registration code|incomplete or damaged/);
    await screenshot(reception.page, "reception-paste-damaged");
    await field.fill("");
  });

  it("scans a new patient's QR code with the camera (the reader's WebAssembly served by the app) and registers them", async function () {
    // A newcomer's real registration code, made with their own (fresh) account, as their patient page makes it.
    const config = { rpcUrl: stack.rpcUrl, ipfsApiUrl: stack.ipfsApiUrl, deployment: stack.deployment, maxFileBytes: DEFAULT_MAX_FILE_BYTES };
    const newcomer = createLedgerWriter(config, privateKeyToAccount(generatePrivateKey()));
    const newcomerAddress = newcomer.walletClient.account.address;
    const scanned = encodeRegistrationRequest(
      await createRegistrationRequest(newcomer, newcomer.walletClient, await unlockIdentity(newcomer.walletClient, stack.deployment)),
    );
    // The reception's camera sees the newcomer's screen: one frame with the QR code, looped.
    const dir = await mkdtemp(join(tmpdir(), "medledger-camera-"));
    const camera = join(dir, "registration-qr.y4m");
    await writeFile(camera, qrFrameY4m(scanned, { width: 1280, height: 720 }));
    const withCamera = await launchBrowser({ camera });
    try {
      const session = await openSession(withCamera, stack, { person: "receptionist1" });
      const { page, context } = session;
      const outside: string[] = [];
      context.on("request", (request) => {
        const origin = new URL(request.url()).origin;
        if (![new URL(stack.webUrl).origin, new URL(stack.rpcUrl).origin].includes(origin) && !request.url().startsWith("data:")) outside.push(request.url());
      });
      const wasm: string[] = [];
      // The reader's WebAssembly is held until the scan dialog is looked at (then the code is read at once).
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route("**/zxing_reader.wasm", async (route) => {
        wasm.push(route.request().url());
        await held;
        await route.continue();
      });
      await goto(page, stack, "/reception");
      await connectTestWallet(page);
      await unlockKey(page);
      expect(await page.evaluate(() => "BarcodeDetector" in window), "this Chromium has no BarcodeDetector of its own").to.equal(false);
      const form = registerForm(page);
      const field = form.getByLabel("Short code or registration code");
      expect(await form.innerText()).to.contain("scan their QR code");
      await form.getByRole("button", { name: "Scan the QR code" }).click();
      const scanner = form.getByTestId("qr-scanner");
      await scanner.waitFor();
      // The camera's picture is playing in the dialog.
      await page.waitForFunction(() => {
        const video = document.querySelector<HTMLVideoElement>('[data-testid="qr-scanner"] video');
        return video !== null && video.readyState >= 2 && video.videoWidth === 1280;
      });
      await screenshot(page, "reception-scan-dialog");
      release();
      await waitForValue(field, scanned);
      await scanner.waitFor({ state: "detached" });
      expect(wasm, "the WebAssembly came from the app itself").to.deep.equal([new URL("/zxing_reader.wasm", stack.webUrl).toString()]);
      await form.getByTestId("registration-account").getByText(newcomerAddress).waitFor();
      await form.getByLabel("Full name").fill("Nora Quist");
      await form.getByRole("button", { name: "Register patient" }).click();
      await waitForToast(page, "success", `Registered Nora Quist (${short4(newcomerAddress)}) as a patient.`, 120_000);
      await page.getByTestId("patients-table").locator(`tr[data-patient="${newcomerAddress}"]`).getByText("Nora Quist").first().waitFor({ timeout: 60_000 });
      await screenshot(page, "reception-registered-by-scan");
      expect(outside, "nothing fetched from outside the app and the chain (no CDN)").to.deep.equal([]);
      expect(session.pageErrors).to.deep.equal([]);
    } finally {
      await withCamera.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("registers the patient by the short code typed at the desk, and says who was registered and assigned", async function () {
    const reception = await as("receptionist1", "/reception");
    const form = registerForm(reception.page);
    // Typed as heard: lower case, with the dash.
    await form.getByLabel("Short code or registration code").fill(`${short.slice(0, 4)}-${short.slice(4)}`.toLowerCase());
    await form.getByTestId("registration-account").getByText(stranger.address).waitFor();
    await form.getByLabel("Full name").fill(NAME);
    await form.getByLabel("Date of birth").fill("1984-07-23");
    await form.getByLabel("Email").fill("ana.silva@example.org");
    await form.getByLabel("Assign a doctor").selectOption({ label: `${doctor1.displayName} (${doctor1.department})` });
    await screenshot(reception.page, "reception-short-code-typed");
    await form.getByRole("button", { name: "Register patient" }).click();
    // Announced once, by the transaction's toast.
    await waitForToast(
      reception.page,
      "success",
      `Registered ${NAME} (${short4(stranger.address)}) as a patient and assigned them to ${doctor1.displayName}.`,
      120_000,
    );
    await strangerRow(reception.page).getByText(NAME).first().waitFor();
    await screenshot(reception.page, "reception-registered-by-short-code");
  });

  it("turns Assign into a disabled 'Assigned' for a doctor already assigned, and names both in the message", async function () {
    const reception = await as("receptionist1", "/reception");
    const row = strangerRow(reception.page);
    await row.getByText(NAME).first().waitFor();
    const select = row.getByRole("combobox");
    const button = row.locator('button[type="submit"]');
    await select.selectOption(doctor1.address);
    await button.getByText("Assigned").waitFor();
    expect(await button.isDisabled(), "doctor1 was assigned at registration").to.equal(true);

    await select.selectOption(doctor2.address);
    expect(await button.textContent()).to.equal("Assign");
    await button.click();
    // The outcome is announced once, by the transaction's toast.
    await waitForToast(reception.page, "success", `Assigned ${NAME} to ${doctor2.displayName}.`, 120_000);
    await row.getByTestId("reseal-done").waitFor({ timeout: 120_000 });
    expect(await button.textContent()).to.equal("Assigned");
    expect(await button.isDisabled(), "no second assignment of the same doctor").to.equal(true);
    await screenshot(reception.page, "reception-assigned");
  });

  it("edits the profile at the reception: a future date of birth and a bad email are refused in plain words before the wallet is asked", async function () {
    const reception = await as("receptionist1", "/reception");
    const row = strangerRow(reception.page);
    await row.getByRole("button", { name: "Edit profile" }).click();
    const form = row.getByRole("form", { name: `Edit the profile of ${NAME}` });
    await form.getByLabel("Full name").waitFor();
    expect(await form.getByLabel("Date of birth").inputValue()).to.equal("1984-07-23");
    const before = sends(reception);
    const nextYear = `${new Date().getUTCFullYear() + 1}-01-15`;
    await form.getByLabel("Date of birth").fill(nextYear);
    await form.getByLabel("Email").fill("ana.silva@example");
    await form.getByRole("button", { name: "Save profile" }).click();
    await form.getByText(DATE_OF_BIRTH_FUTURE_MESSAGE).waitFor();
    await form.getByText(EMAIL_FORMAT_MESSAGE).waitFor();
    expect(await form.innerText()).not.to.contain("Invalid input");
    expect(sends(reception), "nothing sent").to.equal(before);
    await screenshot(reception.page, "reception-profile-future-birth");

    await form.getByLabel("Date of birth").fill("1984-07-24");
    await form.getByLabel("Email").fill("ana@example.org");
    await form.getByRole("button", { name: "Save profile" }).click();
    await waitForToast(reception.page, "success", `Saved the profile of ${NAME}.`, 120_000);
    // Opened again from the new sealed profile.
    await row.getByRole("button", { name: "Edit profile" }).click();
    const reopened = row.getByRole("form", { name: `Edit the profile of ${NAME}` }).getByLabel("Date of birth");
    await reopened.waitFor();
    await waitForValue(reopened, "1984-07-24");
    await screenshot(reception.page, "reception-profile-saved");
  });

  it("filters the patient list, the staff list and the audit trail by a search", async function () {
    const reception = await as("receptionist1", "/reception");
    const patients = reception.page.getByTestId("patients-table");
    await patients.locator(`tr[data-patient="${patient3.address}"]`).getByText(patient3.displayName).first().waitFor();
    const all = await rowsOf(patients).count();
    expect(all).to.be.greaterThan(3);
    await reception.page.getByTestId("patients-search").fill(patient3.displayName.split(" ")[0]!.toLowerCase());
    await reception.page.waitForFunction(() => document.querySelectorAll('[data-testid="patients-table"] tbody tr[data-patient]').length === 1);
    expect(await rowsOf(patients).first().getAttribute("data-patient")).to.equal(patient3.address);
    await screenshot(reception.page, "reception-patient-search");
    await reception.page.getByTestId("patients-search").fill("");

    const admin = await pool.as("admin", "/admin");
    const staff = admin.page.getByTestId("staff-table");
    await rowsOf(staff).first().waitFor();
    await admin.page.getByTestId("staff-search").fill("receptionist");
    await admin.page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="staff-table"] tbody tr[data-account]')];
      return rows.length > 0 && rows.every((r) => r.textContent?.includes("Receptionist"));
    });
    await admin.page.getByTestId("staff-search").fill("no such person");
    await admin.page.getByText("No staff member matches").waitFor();

    const audit = admin.page.getByTestId("audit-table");
    await audit.locator('tr[data-event="PatientRegistered"]').first().waitFor();
    await admin.page.getByTestId("audit-search").fill("DoctorAssigned");
    await admin.page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="audit-table"] tbody tr[data-event]')];
      return rows.length > 0 && rows.every((r) => r.getAttribute("data-event") === "DoctorAssigned");
    });
    await screenshot(admin.page, "admin-audit-search");
  });

  it("exports the activity as shown: the CSV holds the on-chain rows of the table", async function () {
    const admin = await pool.as("admin", "/activity");
    await admin.page.getByRole("banner").getByRole("button", { name: "Sign in", exact: true }).click();
    await admin.page.getByRole("banner").getByTestId("session-badge").waitFor();
    const table = admin.page.getByTestId("activity-table");
    await table.locator('tr[data-source="on-chain"]').first().waitFor();
    await table.locator('tr[data-source="off-chain"][data-kind="login"]').first().waitFor();
    const onChain = await table.locator('tr[data-source="on-chain"]').count();
    const offChain = await table.locator('tr[data-source="off-chain"]').count();
    const [download] = await Promise.all([admin.page.waitForEvent("download"), admin.page.getByTestId("activity-export").click()]);
    const lines = (await readFile(await download.path(), "utf8")).trim().split("\r\n");
    expect(lines[0]).to.equal("time,source,actor,name,role,what,kind,record,block,hash");
    expect(lines.slice(1).filter((l) => l.includes('"on-chain"'))).to.have.length(onChain);
    expect(lines.slice(1).filter((l) => l.includes('"off-chain"'))).to.have.length(offChain);
    expect(lines.some((l) => l.includes('"PatientRegistered"'))).to.equal(true);
    expect(lines.some((l) => l.includes('"login"'))).to.equal(true);
    await screenshot(admin.page, "activity-export");
  });
});
