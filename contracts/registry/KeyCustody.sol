// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ReportKeys} from "./ReportKeys.sol";

/**
 * @title KeyCustody
 * @notice What the hospital's records custodian does with its key, always on chain: it publishes
 * report keys re-wrapped for an account that the chain already allows to read them — a patient's
 * successor after a recovery, a guardian, a doctor with emergency access.
 * @dev The contract cannot see inside a wrapped key; what it guarantees is that every re-wrap the
 * custodian delivers is public, attributed ({KeysRewrappedByCustodian}) and addressed only to an
 * allowed reader ({canRead}). The custodian's keystore (server side) refuses to re-wrap for anyone
 * else. O(1) per report, in batches bounded by calldata.
 */
abstract contract KeyCustody is ReportKeys {
    /// @notice The records custodian published `count` report keys re-wrapped for `reader`.
    event KeysRewrappedByCustodian(address indexed reader, uint256 count);

    /**
     * @notice Publishes report keys re-wrapped for `reader`'s current encryption key. Caller: the records custodian.
     * @param reader An account allowed to read each report ({canRead}), with a published key.
     * @param reportIds The reports.
     * @param wrappedKeys Each report's current key wrapped for `reader`'s current key.
     */
    function custodianRewrap(
        address reader,
        bytes32[] calldata reportIds,
        bytes[] calldata wrappedKeys
    ) external whenNotPaused {
        _requireCustodian(msg.sender);
        _rewrap(reader, reportIds, wrappedKeys);
        emit KeysRewrappedByCustodian(reader, reportIds.length);
    }
}
