// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/**
 * @title MedLedgerAccess
 * @notice Roles and the emergency pause shared by every MedLedger module.
 * @dev The default admin is managed by {AccessControlDefaultAdminRules} (two-step, delayed transfer).
 * The three product roles are granted and revoked only through the registry's own functions
 * (adding staff, registering patients), so that every role holder has the record that goes with it:
 * the generic {grantRole}, {revokeRole} and {renounceRole} refuse them.
 */
abstract contract MedLedgerAccess is AccessControlDefaultAdminRules, Pausable {
    /// @notice Role of hospital receptionists: they register patients and assign doctors.
    bytes32 public constant RECEPTIONIST_ROLE = keccak256("RECEPTIONIST_ROLE");
    /// @notice Role of doctors: they register reports for their assigned patients.
    bytes32 public constant DOCTOR_ROLE = keccak256("DOCTOR_ROLE");
    /// @notice Role of patients: they own their reports and share them.
    bytes32 public constant PATIENT_ROLE = keccak256("PATIENT_ROLE");

    /// @notice The role is managed by the registry's own functions, not by grantRole/revokeRole/renounceRole.
    error ManagedRole(bytes32 role);
    /// @notice The zero address was given where an account is required.
    error ZeroAddress();

    /**
     * @param initialDelay Delay, in seconds, of a default admin transfer.
     * @param initialAdmin The first admin.
     */
    constructor(uint48 initialDelay, address initialAdmin) AccessControlDefaultAdminRules(initialDelay, initialAdmin) {}

    /// @notice Stops every state change of the registry until {unpause}. Admin only.
    function pause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _pause();
    }

    /// @notice Lifts the emergency pause. Admin only.
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    /// @inheritdoc AccessControlDefaultAdminRules
    /// @dev Product roles are refused: see the contract's description.
    function grantRole(bytes32 role, address account) public virtual override {
        _refuseManagedRole(role);
        super.grantRole(role, account);
    }

    /// @inheritdoc AccessControlDefaultAdminRules
    /// @dev Product roles are refused: see the contract's description.
    function revokeRole(bytes32 role, address account) public virtual override {
        _refuseManagedRole(role);
        super.revokeRole(role, account);
    }

    /// @inheritdoc AccessControlDefaultAdminRules
    /// @dev Product roles are refused: see the contract's description.
    function renounceRole(bytes32 role, address account) public virtual override {
        _refuseManagedRole(role);
        super.renounceRole(role, account);
    }

    function _refuseManagedRole(bytes32 role) private pure {
        if (role != DEFAULT_ADMIN_ROLE) revert ManagedRole(role);
    }

    function _requireNonZero(address account) internal pure {
        if (account == address(0)) revert ZeroAddress();
    }
}
