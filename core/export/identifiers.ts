/**
 * How the FHIR export names things. Every resource's id (and its `urn:uuid:` fullUrl) is a
 * name-based UUID (version 5) of the deployment and what the resource stands for (an account, a
 * report id), so exporting the same records twice gives the same ids: two exports can be compared,
 * and a system importing both sees the same resources. On-chain identities are written as URIs of
 * the chain (CAIP-2 / CAIP-10 as URNs): `urn:eip155:<chainId>` names a chain, and identifiers
 * whose system is it are accounts on that chain; `urn:eip155:<chainId>:<contract>` names the
 * MedLedger contract, and identifiers whose system is it are that contract's transactions.
 */
import type { Address, Hash } from "viem";
import { v5 as uuidV5 } from "uuid";
import type { Deployment } from "../contract/ledger.ts";

/** The namespace of MedLedger's export ids: the v5 UUID of this URL in the URL namespace. */
const EXPORT_NAMESPACE = uuidV5("https://medledger.example/fhir-export", uuidV5.URL);

export type ExportedThing = "patient" | "organization" | "practitioner" | "practitioner-role" | "report" | "provenance" | "bundle";

type ChainOf = Pick<Deployment, "chainId" | "address">;

/** The deterministic id of `thing` `key` (an account or a report id) in `deployment`. */
export function exportId(deployment: ChainOf, thing: ExportedThing, key: string): string {
  return uuidV5(`${deployment.chainId}:${deployment.address.toLowerCase()}:${thing}:${key.toLowerCase()}`, EXPORT_NAMESPACE);
}

/** The fullUrl of the resource with id `id` in the bundle. */
export function fullUrlOf(id: string): string {
  return `urn:uuid:${id}`;
}

/** The identifier system of accounts on the deployment's chain. */
export function accountSystem(deployment: ChainOf): string {
  return `urn:eip155:${deployment.chainId}`;
}

/** The URI of the MedLedger contract, also the identifier system of its transactions. */
export function contractUri(deployment: ChainOf): string {
  return `urn:eip155:${deployment.chainId}:${deployment.address}`;
}

export function accountIdentifier(deployment: ChainOf, account: Address): { system: string; value: Address } {
  return { system: accountSystem(deployment), value: account };
}

export function transactionIdentifier(deployment: ChainOf, hash: Hash): { system: string; value: Hash } {
  return { system: contractUri(deployment), value: hash };
}
