// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MedLedgerAccess} from "./MedLedgerAccess.sol";

/**
 * @title HospitalPolicy
 * @notice The hospital's settings that the registry applies: its records custodian, how long an
 * emergency ("break-glass") access lasts, and after how long a result held for review is released.
 * @dev The records custodian is an account whose published encryption key every report key is
 * also wrapped to (see {ReportRegistry}); its private key is held by the hospital in a keystore and
 * used only to re-wrap report keys for accounts the chain already allows to read (a patient's
 * successor, a guardian, an emergency doctor) and to release held results when their time comes,
 * each use leaving events on chain (see {KeyCustody} and {ResultRelease}). Zero means none: reports
 * are then wrapped to their readers only, and lost wallets cannot be recovered.
 */
abstract contract HospitalPolicy is MedLedgerAccess {
    /// @notice Longest emergency access the admin may set: 7 days.
    uint40 public constant MAX_EMERGENCY_ACCESS = 7 days;
    /// @notice Longest automatic release delay the admin may set: 90 days.
    uint40 public constant MAX_RELEASE_DELAY = 90 days;

    address private _custodian;
    uint40 private _emergencyAccessDuration = 24 hours;
    uint40 private _releaseDelay = 3 days;

    /// @notice Admin `by` made `custodian` the records custodian (zero: none).
    event RecordsCustodianSet(address indexed custodian, address indexed by);
    /// @notice Admin `by` set the emergency access duration and the automatic release delay, in seconds.
    event CarePolicySet(uint40 emergencyAccessDuration, uint40 releaseDelay, address indexed by);

    /// @notice A duration is out of its allowed range.
    error InvalidDuration(uint40 duration);
    /// @notice Only the records custodian (`account` is not) may do this.
    error NotCustodian(address account);

    /**
     * @notice Makes `custodian` the records custodian. Admin only.
     * @dev The custodian account must publish its encryption key before doctors can wrap to it.
     * @param custodian The custodian's account, or zero for none.
     */
    function setRecordsCustodian(address custodian) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        _custodian = custodian;
        emit RecordsCustodianSet(custodian, msg.sender);
    }

    /**
     * @notice Sets how long an emergency access lasts and after how long a held result is released. Admin only.
     * @param emergencyAccessDuration Seconds, from 1 to {MAX_EMERGENCY_ACCESS}.
     * @param releaseDelay Seconds, up to {MAX_RELEASE_DELAY}; 0 means held results wait for their doctor.
     */
    function setCarePolicy(
        uint40 emergencyAccessDuration,
        uint40 releaseDelay
    ) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        if (emergencyAccessDuration == 0 || emergencyAccessDuration > MAX_EMERGENCY_ACCESS) {
            revert InvalidDuration(emergencyAccessDuration);
        }
        if (releaseDelay > MAX_RELEASE_DELAY) revert InvalidDuration(releaseDelay);
        (_emergencyAccessDuration, _releaseDelay) = (emergencyAccessDuration, releaseDelay);
        emit CarePolicySet(emergencyAccessDuration, releaseDelay, msg.sender);
    }

    /**
     * @notice The hospital's settings.
     * @return custodian The records custodian, zero if none.
     * @return emergencyAccessDuration Seconds an emergency access lasts.
     * @return releaseDelay Seconds after which a held result is released (0: only by its doctor).
     */
    function carePolicy()
        external
        view
        returns (address custodian, uint40 emergencyAccessDuration, uint40 releaseDelay)
    {
        return (_custodian, _emergencyAccessDuration, _releaseDelay);
    }

    function _recordsCustodian() internal view returns (address) {
        return _custodian;
    }

    function _emergencyDuration() internal view returns (uint40) {
        return _emergencyAccessDuration;
    }

    function _holdDelay() internal view returns (uint40) {
        return _releaseDelay;
    }

    function _requireCustodian(address account) internal view {
        if (account == address(0) || account != _custodian) revert NotCustodian(account);
    }
}
