/**
 * A report's id is its claim id: one doctor's claim to have issued the file with this SHA-256.
 * Two doctors registering the same file make two claims (a dispute, see core/verify/verify.ts),
 * so a front-runner's copy can never take the genuine issuer's id. Matches the contract's
 * `reportIdOf(sha256, doctor)`: keccak256(abi.encode(sha256, doctor)).
 */
import { encodeAbiParameters, keccak256, type Address, type Hex } from "viem";

export function claimIdOf(sha256: Hex, doctor: Address): Hex {
  return keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "address" }], [sha256, doctor]));
}
