/**
 * Hardhat Ignition module of the MedLedger registry.
 *
 * Parameters (module id "MedLedger"):
 * - `admin`: the first default admin; defaults to the deploying account (account 0).
 * - `adminTransferDelay`: delay in seconds of a two-step admin transfer; defaults to 1 day.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/** Default delay of a default-admin transfer: one day, in seconds. */
export const DEFAULT_ADMIN_TRANSFER_DELAY = 24n * 60n * 60n;

const MedLedgerModule = buildModule("MedLedger", (m) => {
  const admin = m.getParameter("admin", m.getAccount(0));
  const adminTransferDelay = m.getParameter("adminTransferDelay", DEFAULT_ADMIN_TRANSFER_DELAY);
  const medLedger = m.contract("MedLedger", [adminTransferDelay, admin]);
  return { medLedger };
});

export default MedLedgerModule;
