/**
 * Time to list 10,000 reports of one patient in the patient page, through the indexer: 10,000 real
 * reports (encrypted, stored, registered in batches) are seeded on the local chain and indexed;
 * then, in Chromium with the test wallet, the time from the unlocked key (the page then asks the
 * indexer for its first page) to the first window of rendered rows, with the list knowing all
 * 10,000 (only the rows on screen are rendered: @tanstack/react-virtual), and to those rows checked
 * against the contract (one getReport each). The unlock itself (a wallet signature) is reported apart.
 */
import { createPublicClient, http } from "viem";
import { createIndexerClient, waitForIndexer } from "#core/indexer/client.ts";
import type { LocalStack } from "#local-stack/index.ts";
import { connectTestWallet, goto, openSession } from "#harness/browser/app.ts";
import { launchBrowser } from "#harness/browser/browser.ts";
import { unlockKey } from "#harness/browser/flows.ts";
import { seedDoctorAndPatient, seedReports } from "#harness/data/manyReports.ts";
import { median, round } from "./stats.ts";

const REPORTS = 10_000;

export async function benchListing(stack: LocalStack, log: (line: string) => void): Promise<Record<string, number>> {
  const { doctor, patient } = await seedDoctorAndPatient(stack);
  log(`seeding ${REPORTS} reports for one patient`);
  const seedStart = performance.now();
  await seedReports(stack, doctor, patient, REPORTS, { batch: 100, log });
  log(`  seeded in ${round((performance.now() - seedStart) / 1000, 0)} s; waiting for the indexer`);
  const head = await createPublicClient({ transport: http(stack.rpcUrl) }).getBlockNumber();
  const indexStart = performance.now();
  await waitForIndexer(createIndexerClient({ baseUrl: stack.indexerUrl }), head, { timeoutMs: 1_800_000, intervalMs: 500 });
  log(`  indexed ${round((performance.now() - indexStart) / 1000, 0)} s after the last registration`);

  const browser = await launchBrowser();
  const times: number[] = [];
  const checkedTimes: number[] = [];
  const unlockTimes: number[] = [];
  const renderedRows: number[] = [];
  const web = { ...stack, webUrl: stack.webUrl! };
  try {
    for (let run = 0; run < 3; run++) {
      const session = await openSession(browser, web, { person: "patient1" });
      try {
        await goto(session.page, web, "/patient");
        await connectTestWallet(session.page);
        // The patient page mounts the report list, and asks the indexer for it, once the patient's
        // key is unlocked (one signature): the listing is timed from there.
        const unlockStart = performance.now();
        await unlockKey(session.page);
        const start = performance.now();
        unlockTimes.push(start - unlockStart);
        await session.page.waitForFunction(
          (n) => document.querySelector(`[data-testid="patient-reports-window"][data-total="${n}"] tr[data-report]`) !== null,
          REPORTS,
          { timeout: 120_000, polling: "raf" },
        );
        times.push(performance.now() - start);
        await session.page.waitForFunction(
          () => {
            const rows = [...document.querySelectorAll("tr[data-report]")];
            return rows.length > 0 && rows.every((row) => row.querySelector('[data-testid="chain-check"]') !== null);
          },
          undefined,
          { timeout: 120_000, polling: "raf" },
        );
        checkedTimes.push(performance.now() - start);
        renderedRows.push(await session.page.locator("tr[data-report]").count());
      } finally {
        await session.close();
      }
    }
  } finally {
    await browser.close();
  }
  const figure = round(median(times), 0);
  const checked = round(median(checkedTimes), 0);
  const unlock = round(median(unlockTimes), 0);
  log(`list ${REPORTS} reports (key unlocked → indexer's first page → rendered rows, median of 3): ${figure} ms; shown rows checked on chain: ${checked} ms`);
  log(`  rows in the page: ${renderedRows.join(", ")} of ${REPORTS}; unlocking the key before it (a wallet signature): ${unlock} ms`);
  return {
    list10000ReportsMs: figure,
    list10000ReportsCheckedOnChainMs: checked,
    list10000ReportsRenderedRows: Math.max(...renderedRows),
    unlockKeyBeforeListingMs: unlock,
  };
}
