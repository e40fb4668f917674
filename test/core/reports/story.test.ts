import { expect } from "chai";
import { inProcessLedger, anvilLedger, type LedgerFixture } from "#test/support/ledgers.ts";
import { embeddedIpfs, type IpfsFixture } from "#test/support/ipfs.ts";
import { runStory } from "#test/support/story.ts";
import { chainBytes, findLeak, storedFiles, windowsOf } from "#test/support/privacy.ts";

for (const [name, start] of [
  ["the in-process Hardhat EVM", inProcessLedger],
  ["anvil (an independent EVM node)", () => anvilLedger()],
  ["anvil with a block every 2 seconds (as on a real network)", () => anvilLedger({ blockTime: 2 })],
] as const) {
  describe(`The MedLedger story on ${name} with the embedded IPFS node`, function () {
    this.timeout(300_000);
    let ledger: LedgerFixture;
    let ipfs: IpfsFixture;

    before(async () => {
      ledger = await start();
      ipfs = await embeddedIpfs();
    });
    after(async () => {
      await ipfs?.close();
      await ledger?.close();
    });

    it("uploads, reads, shares, revokes and verifies; no plaintext leaves the client", async () => {
      const { pdf, profileJson } = await runStory(ledger, ipfs.store);

      const windows = windowsOf([pdf, profileJson]);
      expect(windows.size).to.be.greaterThan(1000);
      const published = [...(await chainBytes(ledger.reader().publicClient)), ...storedFiles(ipfs.dataDir)];
      expect(published.length).to.be.greaterThan(20);
      for (const { what, bytes } of published) {
        const leak = findLeak(bytes, windows);
        expect(leak, `plaintext window ${leak} found in ${what}`).to.equal(undefined);
      }
    });
  });
}
