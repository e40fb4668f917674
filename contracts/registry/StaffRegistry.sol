// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {MedLedgerAccess} from "./MedLedgerAccess.sol";

/**
 * @title StaffRegistry
 * @notice Doctors and receptionists with their public professional profiles, managed by the admin.
 * @dev Deactivation revokes the role but keeps the profile: history stays readable, and a
 * deactivated doctor can no longer register reports. Staff profiles are professional contact
 * details, public by design; no patient data is ever held here. The profile itself lives in the
 * {StaffAdded} and {StaffUpdated} events; storage keeps only its hash, so a client
 * reading the latest event can check it holds the current profile.
 */
abstract contract StaffRegistry is MedLedgerAccess {
    /// @notice A staff member's public professional profile.
    struct StaffProfile {
        /// Display name, e.g. "Dr. Ada Lovelace".
        string name;
        /// Specialty (doctors) or department (receptionists).
        string department;
        /// Professional contact details: e-mail, phone, room.
        string contact;
    }

    /// @notice A staff member as stored.
    struct StaffMember {
        bytes32 role;
        bool active;
        /// UNIX time the member was added.
        uint40 since;
        /// `keccak256(abi.encode(profile))` of the current profile (`keccak256(abi.encode(profile))`, the ABI encoding of the tuple).
        bytes32 profileHash;
    }

    mapping(address account => StaffMember) private _staff;

    /// @notice `account` joined as `role` with `profile`.
    event StaffAdded(address indexed account, bytes32 indexed role, StaffProfile profile);
    /// @notice `account`'s profile now reads `profile`.
    event StaffUpdated(address indexed account, StaffProfile profile);
    /// @notice `account` was deactivated: its role is revoked, its record kept.
    event StaffDeactivated(address indexed account, bytes32 indexed role);
    /// @notice `account` was reactivated with its former role.
    event StaffReactivated(address indexed account, bytes32 indexed role);

    /// @notice Staff can only be doctors or receptionists.
    error InvalidStaffRole(bytes32 role);
    /// @notice `account` is already on the staff (active or not).
    error AlreadyStaff(address account);
    /// @notice `account` is not on the staff.
    error NotStaff(address account);
    /// @notice `account` is already active.
    error StaffActive(address account);
    /// @notice `account` is deactivated.
    error StaffInactive(address account);
    /// @notice A profile needs at least a name.
    error EmptyName();

    /**
     * @notice Adds `account` to the staff as a doctor or receptionist and grants the role.
     * @param account The staff member's wallet.
     * @param role {DOCTOR_ROLE} or {RECEPTIONIST_ROLE}.
     * @param profile Public professional profile; `name` must not be empty.
     */
    function addStaff(
        address account,
        bytes32 role,
        StaffProfile calldata profile
    ) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        _requireNonZero(account);
        if (role != DOCTOR_ROLE && role != RECEPTIONIST_ROLE) revert InvalidStaffRole(role);
        if (_staff[account].role != bytes32(0)) revert AlreadyStaff(account);
        _requireName(profile);
        StaffMember storage member = _staff[account];
        member.role = role;
        member.active = true;
        member.since = SafeCast.toUint40(block.timestamp);
        member.profileHash = _profileHash(profile);
        _grantRole(role, account);
        emit StaffAdded(account, role, profile);
    }

    /**
     * @notice Replaces the profile of staff member `account`.
     * @param account The staff member.
     * @param profile The new profile; `name` must not be empty.
     */
    function updateStaff(
        address account,
        StaffProfile calldata profile
    ) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        _requireStaff(account);
        _requireName(profile);
        _staff[account].profileHash = _profileHash(profile);
        emit StaffUpdated(account, profile);
    }

    /**
     * @notice Deactivates staff member `account`: revokes the role, keeps the record.
     * @param account An active staff member.
     */
    function deactivateStaff(address account) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        StaffMember storage member = _requireStaff(account);
        if (!member.active) revert StaffInactive(account);
        member.active = false;
        _revokeRole(member.role, account);
        emit StaffDeactivated(account, member.role);
    }

    /**
     * @notice Reactivates a deactivated staff member with the role they had.
     * @param account A deactivated staff member.
     */
    function reactivateStaff(address account) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        StaffMember storage member = _requireStaff(account);
        if (member.active) revert StaffActive(account);
        member.active = true;
        _grantRole(member.role, account);
        emit StaffReactivated(account, member.role);
    }

    /**
     * @notice The staff record of `account`; `role` is zero for an account that was never staff.
     * @param account Any account.
     * @return The stored record.
     */
    function staffMember(address account) external view returns (StaffMember memory) {
        return _staff[account];
    }

    /// @dev The hash under which a profile is stored: `keccak256(abi.encode(profile))`.
    function _profileHash(StaffProfile calldata profile) private pure returns (bytes32) {
        return keccak256(abi.encode(profile));
    }

    function _requireStaff(address account) private view returns (StaffMember storage member) {
        member = _staff[account];
        if (member.role == bytes32(0)) revert NotStaff(account);
    }

    function _requireName(StaffProfile calldata profile) private pure {
        if (bytes(profile.name).length == 0) revert EmptyName();
    }
}
