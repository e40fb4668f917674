/**
 * The app over the seeded demo (what `npm start` shows), driven through the dev wallet of the
 * local chain: the demo staff are listed, and a demo patient opens a seeded report.
 */
import { expect } from "chai";
import { after, before, describe, it } from "mocha";
import type { Browser } from "playwright-core";
import { connectDevWallet, goto, openSession, type AppSession } from "#harness/browser/app.ts";
import { launchBrowser, screenshot } from "#harness/browser/browser.ts";
import { technicalWordsShown, unlockKey, openReport } from "#harness/browser/flows.ts";
import { startE2EStack, type E2EStack } from "#harness/browser/stack.ts";

describe("web app: seeded demo with the dev wallet (browser)", function () {
  this.timeout(600_000);
  let stack: E2EStack;
  let browser: Browser;
  let session: AppSession;

  before(async function () {
    stack = await startE2EStack({ seed: true });
    browser = await launchBrowser();
    session = await openSession(browser, stack);
  });

  after(async function () {
    await session?.close();
    await browser?.close();
    await stack?.stop();
  });

  it("lists the demo staff to the administrator", async function () {
    await goto(session.page, stack, "/admin");
    await connectDevWallet(session.page, "admin");
    const table = session.page.getByTestId("staff-table");
    await table.waitFor();
    const text = (await table.textContent()) ?? "";
    for (const name of ["Rita Reyes", "Dr. Ada Lovelace", "Dr. Gregory House"]) expect(text).to.contain(name);
  });

  it("lets a demo patient open a seeded report (signing with the dev wallet)", async function () {
    await goto(session.page, stack, "/patient");
    await session.page.getByLabel("Signing as").selectOption("patient1");
    await unlockKey(session.page);
    const rows = session.page.getByTestId("patient-reports").locator("tbody tr");
    await rows.first().waitFor();
    const bytes = await openReport(session.page, rows.first());
    expect(bytes.subarray(0, 5).toString("latin1")).to.equal("%PDF-");
    await screenshot(session.page, "seeded-patient");
    expect(session.wallet.calls, "the injected wallet is not involved").not.to.include("eth_requestAccounts");
    expect(session.pageErrors).to.deep.equal([]);
  });

  it('shows no technical words (environment variables, "Injected", "Provider not found", CIDs) on any role\'s page', async function () {
    const visits: readonly { who: string | null; path: string; ready: string; unlock: boolean }[] = [
      { who: "admin", path: "/admin", ready: "staff-table", unlock: false },
      { who: "receptionist1", path: "/reception", ready: "patients-table", unlock: true },
      { who: "doctor1", path: "/doctor", ready: "issued-reports", unlock: true },
      { who: "patient1", path: "/patient", ready: "patient-reports", unlock: true },
      { who: null, path: "/verify", ready: "", unlock: false },
    ];
    for (const { who, path, ready, unlock } of visits) {
      await goto(session.page, stack, path);
      if (who) await session.page.getByLabel("Signing as").selectOption(who);
      if (unlock) await unlockKey(session.page);
      if (ready) await session.page.getByTestId(ready).locator("tbody tr").first().waitFor();
      else await session.page.getByRole("heading", { level: 1 }).waitFor();
      if (path === "/patient") await openReport(session.page, session.page.getByTestId("patient-reports").locator("tbody tr").first());
      await screenshot(session.page, `plain-words-${path.slice(1)}`);
      expect(await technicalWordsShown(session.page), `${who ?? "visitor"} on ${path}`).to.deep.equal([]);
    }
    expect(session.pageErrors).to.deep.equal([]);
  });
});
