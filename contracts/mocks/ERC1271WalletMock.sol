// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";

/**
 * @title ERC1271WalletMock
 * @notice Test double of a smart-contract wallet that accepts, through ERC-1271, any signature
 * (the worst case of a signature wrapper). MedLedger must refuse its bindings: only the
 * account's own ECDSA signature counts. Not part of the deployed system.
 */
contract ERC1271WalletMock is IERC1271 {
    /**
     * @notice Accepts every signature.
     * @return The ERC-1271 magic value.
     */
    function isValidSignature(bytes32, bytes calldata) external pure returns (bytes4) {
        return IERC1271.isValidSignature.selector;
    }
}
