// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ReportRegistry} from "./ReportRegistry.sol";

/**
 * @title AccessGrants
 * @notice A patient shares one report with a reader by handing over the report key wrapped for
 * the reader's published encryption key, and can revoke.
 * @dev Revocation is enforced by every MedLedger client (they refuse to open a revoked report)
 * and recorded on chain; it cannot take back what a reader already decrypted.
 */
abstract contract AccessGrants is ReportRegistry {
    mapping(bytes32 reportId => mapping(address reader => bool)) private _grants;

    /// @notice `patient` shared report `reportId` with `reader`, the key wrapped as `wrappedKey`.
    event AccessGranted(bytes32 indexed reportId, address indexed patient, address indexed reader, bytes wrappedKey);
    /// @notice `patient` revoked `reader`'s access to report `reportId`.
    event AccessRevoked(bytes32 indexed reportId, address indexed patient, address indexed reader);

    /// @notice Only the report's patient (`account` is not) may share it.
    error NotReportPatient(bytes32 reportId, address account);
    /// @notice The patient already reads their own reports.
    error GrantToSelf();
    /// @notice `reader` already has access to `reportId`.
    error AlreadyGranted(bytes32 reportId, address reader);
    /// @notice `reader` has no grant on `reportId`.
    error NotGranted(bytes32 reportId, address reader);

    /**
     * @notice Shares report `reportId` with `reader`. Caller: the report's patient.
     * @param reportId The report.
     * @param reader An account with a published encryption key.
     * @param wrappedKey The report key wrapped for `reader`.
     */
    function grantAccess(bytes32 reportId, address reader, bytes calldata wrappedKey) external whenNotPaused {
        address patient = _requireReportPatient(reportId);
        if (reader == patient) revert GrantToSelf();
        _requireKey(reader);
        if (wrappedKey.length == 0) revert MissingWrappedKey();
        if (_grants[reportId][reader]) revert AlreadyGranted(reportId, reader);
        _grants[reportId][reader] = true;
        emit AccessGranted(reportId, patient, reader, wrappedKey);
    }

    /**
     * @notice Revokes `reader`'s access to report `reportId`. Caller: the report's patient.
     * @param reportId The report.
     * @param reader A reader with a grant.
     */
    function revokeAccess(bytes32 reportId, address reader) external whenNotPaused {
        address patient = _requireReportPatient(reportId);
        if (!_grants[reportId][reader]) revert NotGranted(reportId, reader);
        _grants[reportId][reader] = false;
        emit AccessRevoked(reportId, patient, reader);
    }

    /**
     * @notice Whether `reader` holds a current grant on `reportId` (patient and issuer not included).
     * @param reportId Any report id.
     * @param reader Any account.
     * @return True while granted.
     */
    function isGranted(bytes32 reportId, address reader) external view returns (bool) {
        return _grants[reportId][reader];
    }

    /**
     * @notice Whether `reader` may open report `reportId`: its patient, its issuing doctor, or a current grantee.
     * @param reportId A registered report; reverts with {UnknownReport} otherwise.
     * @param reader Any account.
     * @return True if allowed.
     */
    function canRead(bytes32 reportId, address reader) external view returns (bool) {
        Care storage parties = _reportParties(reportId);
        return reader == parties.patient || reader == parties.doctor || _grants[reportId][reader];
    }

    function _requireReportPatient(bytes32 reportId) private view returns (address patient) {
        patient = _reportParties(reportId).patient;
        if (msg.sender != patient) revert NotReportPatient(reportId, msg.sender);
    }
}
