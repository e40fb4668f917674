/**
 * The admin's audit timeline with 100,000 events indexed. On the stack of the listing benchmark
 * (10,000 reports of patient1), the patient shares all of them with 9 readers (90,000
 * AccessGranted events, in the core's batches), and the indexer catches up. Then:
 * - timeline100kFirstPageMs: in Chromium on /admin (connected as the admin), from choosing an event
 *   type in the filter to its first page rendered (a query the page has not made before: the
 *   indexer's count and first page, through the web server, and the rows), median over 5 types;
 * - timeline100kAdminPageToFirstRowsMs: from the navigation start of a reload of /admin (page load,
 *   wallet reconnect, role check included) to the first rows of the unfiltered timeline;
 * - timeline100kFirstPageApiMs: GET /api/indexer/v1/timeline?limit=100 on the web server, median of 20.
 */
import { createPublicClient, http } from "viem";
import { createIndexerClient, waitForIndexer } from "#core/indexer/client.ts";
import { ensureKeyPublished, unlockIdentity } from "#core/identity/encryptionKey.ts";
import { shareReports } from "#core/reports/share.ts";
import type { LocalStack } from "#local-stack/index.ts";
import { connectDevWallet, goto, openSession } from "#harness/browser/app.ts";
import { launchBrowser } from "#harness/browser/browser.ts";
import { demoWriter } from "#harness/data/manyReports.ts";
import { median, round } from "./stats.ts";

const READERS = ["doctor2", "doctor3", "receptionist2", "patient2", "patient3", "patient4", "patient5", "stranger", "receptionist1"];
const TARGET_EVENTS = 100_000;
const FILTERS = ["AccessGranted", "ReportRegistered", "StaffAdded", "PatientRegistered", "EncryptionKeyPublished"];

export async function benchTimeline(stack: LocalStack, log: (line: string) => void): Promise<Record<string, number>> {
  const indexer = createIndexerClient({ baseUrl: stack.indexerUrl });
  const patient = demoWriter(stack, "patient1");
  const identity = await unlockIdentity(patient.walletClient, stack.deployment);
  for (const handle of READERS) {
    if ((await indexer.timeline({ limit: 1 })).total >= TARGET_EVENTS) break;
    const reader = demoWriter(stack, handle);
    await ensureKeyPublished(reader, await unlockIdentity(reader.walletClient, stack.deployment));
    const started = performance.now();
    const shared = await shareReports(patient, identity, { reader: reader.walletClient.account.address, reports: "all" });
    log(
      `  shared ${shared.shared.length} reports with ${handle} in ${shared.transactionHashes.length} transactions (${round((performance.now() - started) / 1000, 0)} s)`,
    );
  }
  const head = await createPublicClient({ transport: http(stack.rpcUrl) }).getBlockNumber();
  await waitForIndexer(indexer, head, { timeoutMs: 1_800_000, intervalMs: 500 });
  const events = (await indexer.timeline({ limit: 1 })).total;
  log(`timeline: ${events} events indexed`);

  const web = { ...stack, webUrl: stack.webUrl! };
  const api: number[] = [];
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    const response = await fetch(`${web.webUrl}/api/indexer/v1/timeline?limit=100`);
    await response.json();
    api.push(performance.now() - start);
  }

  const browser = await launchBrowser();
  const filterTimes: number[] = [];
  const loadTimes: number[] = [];
  try {
    const session = await openSession(browser, web, { person: "admin" });
    try {
      const page = session.page;
      await goto(page, web, "/admin");
      await connectDevWallet(page, "admin");
      const firstRow = '[data-testid="audit-table"] tr[data-event]';
      await page.locator(firstRow).first().waitFor({ timeout: 120_000 });
      for (const name of FILTERS) {
        const start = performance.now();
        await page.getByLabel("Event type").selectOption(name);
        await page.waitForFunction(
          (n) => {
            const rows = [...document.querySelectorAll('[data-testid="audit-table"] tr[data-event]')];
            return rows.length > 0 && rows.every((row) => row.getAttribute("data-event") === n);
          },
          name,
          { timeout: 120_000, polling: "raf" },
        );
        filterTimes.push(performance.now() - start);
      }
      await page.getByLabel("Event type").selectOption("");
      for (let run = 0; run < 3; run++) {
        await page.reload({ waitUntil: "commit" });
        const handle = await page.waitForFunction((selector) => (document.querySelector(selector) ? performance.now() : 0), firstRow, {
          timeout: 120_000,
          polling: "raf",
        });
        loadTimes.push(Number(await handle.jsonValue()));
      }
    } finally {
      await session.close();
    }
  } finally {
    await browser.close();
  }
  const figures = {
    timeline100kFirstPageMs: round(median(filterTimes), 0),
    timeline100kAdminPageToFirstRowsMs: round(median(loadTimes), 0),
    timeline100kFirstPageApiMs: round(median(api), 1),
    timeline100kEventsIndexed: events,
  };
  log(
    `timeline with ${events} events: first page after choosing a filter ${figures.timeline100kFirstPageMs} ms (median of ${FILTERS.length}); reload of /admin to first rows ${figures.timeline100kAdminPageToFirstRowsMs} ms; API first page ${figures.timeline100kFirstPageApiMs} ms`,
  );
  return figures;
}
