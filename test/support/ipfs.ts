/** A real embedded IPFS node (Helia) in a temporary folder, behind the Kubo-RPC endpoint the app uses. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKuboStore } from "#core/ipfs/kuboStore.ts";
import { openHeliaStore } from "#local-stack/ipfs/heliaStore.ts";
import { startKuboRpcServer } from "#local-stack/ipfs/kuboRpcServer.ts";
import type { ContentStore } from "#core/ipfs/types.ts";

export interface IpfsFixture {
  /** The embedded node itself. */
  readonly helia: Awaited<ReturnType<typeof openHeliaStore>>;
  /** kubo-rpc-client talking to the embedded node over HTTP, as the browser and CLI do. */
  readonly store: ContentStore;
  readonly apiUrl: string;
  readonly dataDir: string;
  close(): Promise<void>;
}

export async function embeddedIpfs(): Promise<IpfsFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), "medledger-ipfs-"));
  const helia = await openHeliaStore(dataDir);
  const server = await startKuboRpcServer({ store: helia, host: "127.0.0.1", port: 0 });
  return {
    helia,
    store: createKuboStore(server.url),
    apiUrl: server.url,
    dataDir,
    async close() {
      await server.close();
      await helia.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
