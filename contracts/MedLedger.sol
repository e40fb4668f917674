// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MedLedgerAccess} from "./registry/MedLedgerAccess.sol";
import {StaffRegistry} from "./registry/StaffRegistry.sol";
import {AuditAnchors} from "./registry/AuditAnchors.sol";
import {PatientRecovery} from "./registry/PatientRecovery.sol";
import {ResultRelease} from "./registry/ResultRelease.sol";
import {KeyCustody} from "./registry/KeyCustody.sol";

/**
 * @title MedLedger
 * @notice The MedLedger registry: staff, patients, encryption keys, reports (issuer-bound claims),
 * sharing, re-keying, guardians, emergency access, results held for review, recovery of a lost
 * wallet through the hospital's records custodian, and audit anchors. Its events are the tamper-proof audit trail of every state change.
 * @dev Each concern lives in its own module under `registry/`; this contract only composes them.
 */
contract MedLedger is StaffRegistry, PatientRecovery, ResultRelease, KeyCustody, AuditAnchors {
    /**
     * @param adminTransferDelay Delay, in seconds, of a two-step admin transfer.
     * @param admin The first admin.
     */
    constructor(
        uint48 adminTransferDelay,
        address admin
    ) MedLedgerAccess(adminTransferDelay, admin) EIP712("MedLedger", "1") {}
}
