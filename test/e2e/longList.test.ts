/**
 * A long list in the browser, through the indexer: a patient with 150 real reports sees the list's
 * full length, but only a window of rows is in the page; scrolling to the end loads the remaining
 * pages and renders the oldest report; every shown row is checked against the contract.
 */
import { expect } from "chai";
import { after, before, describe, it } from "mocha";
import type { Browser } from "playwright-core";
import { createIndexerClient } from "#core/indexer/client.ts";
import { connectTestWallet, goto, openSession, type AppSession } from "#harness/browser/app.ts";
import { launchBrowser, screenshot } from "#harness/browser/browser.ts";
import { unlockKey } from "#harness/browser/flows.ts";
import { startE2EStack, type E2EStack } from "#harness/browser/stack.ts";
import { seedDoctorAndPatient, seedReports } from "#harness/data/manyReports.ts";

const REPORTS = 150;

describe("web app: a long report list, windowed, through the indexer (browser)", function () {
  this.timeout(600_000);
  let stack: E2EStack;
  let browser: Browser;
  let session: AppSession;

  before(async function () {
    stack = await startE2EStack({ seed: false });
    const { doctor, patient } = await seedDoctorAndPatient(stack);
    await seedReports(stack, doctor, patient, REPORTS, { batch: 50 });
    browser = await launchBrowser();
    session = await openSession(browser, stack, { person: "patient1" });
  });

  after(async function () {
    await session?.close();
    await browser?.close();
    await stack?.stop();
  });

  it("renders only the rows on screen, knows the whole length, and reaches the oldest report by scrolling", async function () {
    const page = session.page;
    await goto(page, stack, "/patient");
    await connectTestWallet(page);
    await unlockKey(page);
    const window = page.getByTestId("patient-reports-window");
    await window.waitFor();
    expect(await window.getAttribute("data-total")).to.equal(String(REPORTS));
    await page.locator("tr[data-report]").first().waitFor();
    const rendered = await page.locator("tr[data-report]").count();
    expect(rendered).to.be.greaterThan(0);
    expect(rendered, "a window of rows, not the whole list").to.be.lessThan(60);

    // The shown rows are checked against the contract (one getReport each).
    await page.locator('tr[data-report] [data-testid="chain-check"][data-ok="true"]').first().waitFor();
    expect(await page.locator('[data-testid="chain-check"][data-ok="false"]').count()).to.equal(0);

    const listed = await createIndexerClient({ baseUrl: stack.indexerUrl }).reports({ limit: REPORTS });
    const oldestId = listed.items.at(-1)!.reportId;
    for (let i = 0; i < 40 && (await page.locator(`tr[data-report="${oldestId}"]`).count()) === 0; i++) {
      await window.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
      await page.waitForTimeout(150);
    }
    await page.locator(`tr[data-report="${oldestId}"]`).waitFor();
    expect(await page.locator("tr[data-report]").count()).to.be.lessThan(60);
    await screenshot(page, "long-list-end");
    expect(session.pageErrors).to.deep.equal([]);
  });
});
