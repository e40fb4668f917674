// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MedLedgerAccess} from "./MedLedgerAccess.sol";

/**
 * @title AuditAnchors
 * @notice Anchors the head of the off-chain activity log (a hash chain) on chain, so that any
 * later alteration or removal of a logged entry is detectable.
 */
abstract contract AuditAnchors is MedLedgerAccess {
    /// @notice Admin `by` anchored activity-log head `head`, covering its first `entries` entries.
    event AuditLogAnchored(bytes32 indexed head, uint64 entries, address indexed by);

    /// @notice The head must not be zero and must cover at least one entry.
    error InvalidAnchor();

    /**
     * @notice Records the current head of the activity log. Admin only.
     * @param head Hash of the last entry of the log.
     * @param entries Number of entries the head covers.
     */
    function anchorAuditLog(bytes32 head, uint64 entries) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        if (head == bytes32(0) || entries == 0) revert InvalidAnchor();
        emit AuditLogAnchored(head, entries, msg.sender);
    }
}
