/**
 * A patient who holds 0 ETH, end to end in the browser (seeded stack, production build, the
 * hospital's relayer configured by the local stack): the patient shares their reports with a
 * doctor and later stops sharing — the wallet only signs (eth_signTypedData_v4, no
 * eth_sendTransaction), the hospital's relayer sends and pays, the steps say so — the doctor opens
 * a report, then is refused; the patient replaces their key (the new key and each report re-keyed,
 * all relayed) and still opens their reports; with the relayer's balance at 0 the patient is told in plain words
 * that the hospital's relayer is out of funds, and nothing is sent.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { after, before, describe, it } from "mocha";
import type { Browser, Route } from "playwright-core";
import { createPublicClient, createTestClient, http, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { devRelayerKey } from "#core/dev/demoKeys.ts";
import { PROJECT_ROOT } from "#core/node/config.ts";
import { sessionPool } from "#harness/browser/app.ts";
import { launchBrowser, screenshot, SCREENSHOT_DIR } from "#harness/browser/browser.ts";
import { confirmAction, confirmDialog, demoPerson, openReport, unlockKey, waitForToast } from "#harness/browser/flows.ts";
import { startE2EStack, type E2EStack } from "#harness/browser/stack.ts";

/** Every file under `dir` (the app's static assets). */
function staticFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? staticFiles(join(dir, entry.name)) : [join(dir, entry.name)]));
}

describe("web app: a patient holding 0 ETH shares and stops sharing through the hospital's relayer (browser, seeded)", function () {
  this.timeout(600_000);
  let stack: E2EStack;
  let browser: Browser;
  const pool = sessionPool(() => ({ browser, stack }));
  const patient4 = demoPerson("patient4");
  const doctor1 = demoPerson("doctor1");
  const relayer = privateKeyToAccount(devRelayerKey()).address;
  const node = () => createTestClient({ mode: "anvil", transport: http(stack.rpcUrl) });
  const chain = () => createPublicClient({ transport: http(stack.rpcUrl) });
  const balance = (address: Address) => chain().getBalance({ address });
  /** The relay requests the pages sent, with the status the server answered. */
  const relayed: number[] = [];

  before(async function () {
    stack = await startE2EStack({ seed: true });
    browser = await launchBrowser();
    await node().setBalance({ address: patient4.address, value: 0n });
  });

  after(async function () {
    await pool.closeAll();
    await browser?.close();
    await stack?.stop();
  });

  async function as(handle: string, path: string) {
    const session = await pool.as(handle, path);
    await unlockKey(session.page);
    return session;
  }

  it("the patient shares both reports with a doctor: the wallet only signs, the hospital sends and pays", async function () {
    const { page, wallet } = await as("patient4", "/patient");
    page.on("response", (response) => {
      if (new URL(response.url()).pathname === "/api/relay") relayed.push(response.status());
    });
    await page.getByTestId("relay-note").waitFor();
    const rows = page.getByTestId("patient-reports").locator("tbody tr");
    await rows.nth(1).waitFor();
    expect(await rows.count()).to.equal(2);
    const relayerBefore = await balance(relayer);

    // Hold the relay request until the page has shown what it is doing.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route("**/api/relay", async (route: Route) => {
      await released;
      await route.continue();
    });
    const form = page.getByRole("form", { name: "Share reports with a doctor" });
    await form.getByLabel("Doctor").selectOption({ label: `${doctor1.displayName} (${doctor1.department})` });
    await form.getByLabel("All my reports (2)").check();
    await form.getByRole("button", { name: "Share", exact: true }).click();
    const active = form.locator('.steps [aria-current="step"]');
    await active.getByText("The hospital sends it and pays the fee").waitFor();
    await screenshot(page, "relay-sharing-sent-by-hospital");
    release();
    const done = page.getByTestId("share-done");
    await done.waitFor();
    await page.unroute("**/api/relay");
    expect(await done.textContent()).to.equal(`${doctor1.displayName} can now read 2 reports with no end date.`);
    await screenshot(page, "relay-sharing-done");

    expect(wallet.calls, "the wallet never sends a transaction").to.not.include("eth_sendTransaction");
    expect(wallet.calls).to.include("eth_signTypedData_v4");
    expect(relayed).to.deep.equal([200]);
    expect(await balance(patient4.address), "the patient still holds 0 ETH").to.equal(0n);
    expect(await balance(relayer), "the hospital paid").to.be.below(relayerBefore);
  });

  it("the doctor opens a report shared by the patient", async function () {
    const { page } = await as("doctor1", "/doctor");
    const shared = page.getByTestId("shared-reports").locator("tbody tr", { hasText: patient4.displayName });
    await shared.nth(1).waitFor();
    const bytes = await openReport(page, shared.first());
    expect(bytes.subarray(0, 5).toString("latin1")).to.equal("%PDF-");
  });

  it("the patient stops sharing everything with the doctor through the relayer; the doctor is refused", async function () {
    const { page, wallet } = await as("patient4", "/patient");
    const entry = page.getByTestId("shared-doctors").locator(`li[data-reader="${doctor1.address}"]`);
    await entry.getByText("can read 2 reports you shared").waitFor();
    await entry.getByRole("button", { name: `Stop sharing everything with ${doctor1.displayName}` }).click();
    await confirmAction(entry);
    await waitForToast(page, "success", `You no longer share any report with ${doctor1.displayName}.`);
    await entry.waitFor({ state: "detached" });
    await screenshot(page, "relay-stopped-sharing");
    expect(wallet.calls).to.not.include("eth_sendTransaction");
    expect(relayed).to.deep.equal([200, 200]);
    expect(await balance(patient4.address)).to.equal(0n);

    const d1 = pool.sessions.get("doctor1")!;
    const stale = d1.page.getByTestId("shared-reports").locator("tbody tr", { hasText: patient4.displayName }).first();
    await stale.getByRole("button", { name: "Open" }).click();
    const refusal = stale.getByRole("alert");
    await refusal.waitFor();
    expect(await refusal.textContent()).to.contain("The patient revoked your access to this report.");
  });

  it("the patient replaces their encryption key through the relayer; their reports still open", async function () {
    const { page, wallet } = await as("patient4", "/patient");
    const card = page.getByTestId("encryption-key");
    await card.getByText("You are using key number 1.").waitFor();
    await card.getByRole("button", { name: "Replace my encryption key" }).click();
    const confirm = confirmDialog(card);
    expect(await confirm.textContent()).to.contain("You pay nothing.");
    await confirm.getByRole("button", { name: "Replace my key" }).click();
    const done = (await waitForToast(page, "success", "Your encryption key was replaced.", 120_000)).getByTestId("rotation-done");
    expect(await done.textContent()).to.equal("Your encryption key was replaced. 2 reports now open with your new key: every report stays readable.");
    await card.getByText("You are using key number 2.").waitFor();
    await screenshot(page, "relay-rotated");
    // The new key, then each report re-keyed: three changes, all sent by the hospital.
    expect(relayed).to.deep.equal([200, 200, 200, 200, 200]);
    expect(wallet.calls).to.not.include("eth_sendTransaction");
    expect(await balance(patient4.address)).to.equal(0n);
    const row = page.getByTestId("patient-reports").locator("tbody tr").first();
    const bytes = await openReport(page, row);
    expect(bytes.subarray(0, 5).toString("latin1")).to.equal("%PDF-");
  });

  it("the relayer's key never reaches the browser: the pages say only that a relayer is there", async function () {
    const key = devRelayerKey().slice(2).toLowerCase();
    for (const path of ["/", "/patient", "/admin", "/doctor"]) {
      const html = (await (await fetch(new URL(path, stack.webUrl))).text()).toLowerCase();
      expect(html, path).to.not.contain(key);
      expect(html, path).to.contain("relayerenabled");
    }
    for (const file of staticFiles(join(PROJECT_ROOT, "web", ".next", "static"))) {
      expect(readFileSync(file, "latin1").toLowerCase().includes(key), file).to.equal(false);
    }
  });

  it("with the relayer's balance at 0 the patient is told the hospital's relayer is out of funds; nothing is sent", async function () {
    const funds = await balance(relayer);
    await node().setBalance({ address: relayer, value: 0n });
    try {
      const { page } = await as("patient4", "/patient");
      const form = page.getByRole("form", { name: "Share reports with a doctor" });
      await form.getByLabel("Doctor").selectOption({ label: `${doctor1.displayName} (${doctor1.department})` });
      await form.getByLabel("All my reports (2)").check();
      const sent = await chain().getTransactionCount({ address: relayer });
      await form.getByRole("button", { name: "Share", exact: true }).click();
      const box = await waitForToast(page, "error", "Not shared");
      const text = (await box.textContent()) ?? "";
      expect(text).to.contain("The hospital's relayer is out of funds, so it cannot send your change. Nothing was sent.");
      expect(text).to.contain("Tell the hospital, or try again later");
      await screenshot(page, "relay-out-of-funds");
      expect(relayed.slice(-1)).to.deep.equal([503]);
      expect(await chain().getTransactionCount({ address: relayer })).to.equal(sent);

      // The administrator, signed in, sees the relayer's empty balance and the warning.
      const admin = await pool.as("admin", "/admin");
      await admin.page.getByRole("banner").getByRole("button", { name: "Sign in", exact: true }).click();
      await admin.page.getByRole("banner").getByTestId("session-badge").waitFor();
      const card = admin.page.getByTestId("relayer-status");
      await card.getByText("The relayer is out of funds: patients are told it cannot send their changes.").waitFor();
      expect(await card.textContent()).to.contain("It holds 0 ETH, enough for about 0 changes");
      await card.screenshot({ path: join(SCREENSHOT_DIR, "relay-admin-status-empty.png") });
    } finally {
      await node().setBalance({ address: relayer, value: funds });
    }
    // The only failed requests the pages saw are the refusal this test provoked.
    for (const [handle, session] of pool.sessions) {
      expect(
        session.pageErrors.filter((e) => !e.includes("HTTP 503 POST") || !e.includes("/api/relay")),
        handle,
      ).to.deep.equal([]);
    }
  });
});
