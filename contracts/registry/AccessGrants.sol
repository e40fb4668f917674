// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ReportRegistry} from "./ReportRegistry.sol";
import {Guardianship} from "./Guardianship.sol";
import {EmergencyAccess} from "./EmergencyAccess.sol";

/**
 * @title AccessGrants
 * @notice A patient shares reports with a reader by handing over each report key wrapped for the
 * reader's published encryption key: one report or many in one transaction, optionally until an
 * expiry; and revokes one report, or everything shared with a reader at once. Every action can
 * be signed by the patient and submitted by anyone (see {SignedActions}).
 * @dev Grants are bits: a report's bit is its sequence number within its (patient, doctor) care
 * pair, in a 256-bit word keyed by (care id, reader, epoch, seq / 256), so that sharing many
 * reports of one care pair writes one slot per 256 reports. The (patient, reader) {Terms} hold
 * the epoch, which "revoke all" increments (every older grant of the pair stops counting, in
 * O(1)), and an optional expiry common to all the patient's current grants to that reader.
 * When the terms have expired, the next grant starts a new epoch, so expired grants never revive.
 * Revocation is enforced by every MedLedger client and recorded on chain; it cannot take back
 * what a reader already decrypted: {ReportKeys-rekeyReport} re-encrypts for what comes next.
 * A patient's guardian shares and revokes for them ({grantAccessAsGuardian}, {revokeAccessAsGuardian}),
 * each such transaction attributed to the guardian by {ActedAsGuardian}. Grants, like everything
 * else of a patient, are keyed by the patient's record, so they survive a recovery.
 */
abstract contract AccessGrants is ReportRegistry, Guardianship, EmergencyAccess {
    /// @notice Terms of everything `patient` shares with one reader: one slot.
    struct Terms {
        /// Grants of older epochs no longer count.
        uint32 epoch;
        /// UNIX time from which the grants of this epoch read as expired; 0 = no expiry.
        uint40 expiresAt;
    }

    /// @notice A grant of several reports to one reader, as {grantAccessBatch} takes it.
    struct Grant {
        /// The reader (an account with a published encryption key), not the patient.
        address reader;
        /// The reports, all of the granting patient.
        bytes32[] reportIds;
        /// The report keys wrapped for `reader`, one per report.
        bytes[] wrappedKeys;
        /// New expiry of everything the patient shares with `reader` (0 = none); future or 0.
        uint40 expiresAt;
    }

    /// @notice State of a (report, reader) grant, as {grantOf} returns it.
    enum GrantStatus {
        /// No grant in the current epoch.
        None,
        /// Granted and not expired.
        Active,
        /// Granted, but the terms' expiry has passed.
        Expired
    }

    /// @notice EIP-712 type of a patient's signed {grantAccessBatch}.
    bytes32 public constant GRANT_ACCESS_TYPEHASH = keccak256(
        "GrantAccess(address patient,address reader,bytes32[] reportIds,bytes[] wrappedKeys,uint40 expiresAt,uint256 nonce,uint256 deadline)"
    );
    /// @notice EIP-712 type of a patient's signed {revokeAccess}, or {revokeAllAccess} when `reportId` is zero.
    bytes32 public constant REVOKE_ACCESS_TYPEHASH = keccak256(
        "RevokeAccess(address patient,address reader,bytes32 reportId,uint256 nonce,uint256 deadline)"
    );
    mapping(address patient => mapping(address reader => Terms)) private _terms;
    mapping(bytes32 word => uint256 bits) private _grantBits;

    /// @notice `patient` shared report `reportId` with `reader`, the key wrapped as `wrappedKey`.
    event AccessGranted(bytes32 indexed reportId, address indexed patient, address indexed reader, bytes wrappedKey);
    /// @notice `patient` revoked `reader`'s access to report `reportId`.
    event AccessRevoked(bytes32 indexed reportId, address indexed patient, address indexed reader);
    /// @notice What `patient` shares with `reader` now counts in `epoch` and expires at `expiresAt` (0 = never).
    event AccessTermsSet(address indexed patient, address indexed reader, uint32 epoch, uint40 expiresAt);
    /// @notice `patient` revoked everything shared with `reader`; grants now count from `epoch`.
    event AllAccessRevoked(address indexed patient, address indexed reader, uint32 epoch);
    /// @notice `guardian` did this transaction's sharing action (`action`: the function selector) for `patient`.
    event ActedAsGuardian(address indexed patient, address indexed guardian, bytes4 action);

    /// @notice Only the report's patient (`account` is not) may share it.
    error NotReportPatient(bytes32 reportId, address account);
    /// @notice The patient already reads their own reports.
    error GrantToSelf();
    /// @notice `reader` already has access to `reportId`.
    error AlreadyGranted(bytes32 reportId, address reader);
    /// @notice `reader` has no current grant on `reportId`.
    error NotGranted(bytes32 reportId, address reader);
    /// @notice Two arrays that go together have different lengths.
    error LengthMismatch();
    /// @notice An expiry must lie in the future (or be 0 for none).
    error InvalidExpiry(uint40 expiresAt);

    /**
     * @notice Shares report `reportId` with `reader`, under the current terms with `reader`
     * (a fresh epoch without expiry if those expired). Caller: the report's patient.
     * @param reportId The report.
     * @param reader The reader: an account with a published encryption key, not the caller.
     * @param wrappedKey The report key wrapped for `reader`.
     */
    function grantAccess(bytes32 reportId, address reader, bytes calldata wrappedKey) external whenNotPaused {
        address record = _recordOf(msg.sender);
        uint32 epoch = _openTerms(record, msg.sender, reader, false, 0);
        _grantOne(record, msg.sender, reader, epoch, reportId, wrappedKey);
    }

    /**
     * @notice Shares several reports with one reader and sets the expiry of everything the caller
     * shares with that reader. Caller: the reports' patient.
     * @param grant See {Grant}; an empty report list only sets the expiry.
     */
    function grantAccessBatch(Grant calldata grant) external whenNotPaused {
        _grantBatch(_recordOf(msg.sender), msg.sender, grant);
    }

    /**
     * @notice {grantAccessBatch} by a guardian of `patient`, for them. Caller: a current guardian.
     * @param patient The patient's current account.
     * @param grant See {Grant}.
     */
    function grantAccessAsGuardian(address patient, Grant calldata grant) external whenNotPaused {
        _grantBatch(_guardedRecord(patient), patient, grant);
    }

    /**
     * @notice {revokeAccess} (or with `reportId` zero {revokeAllAccess}) by a guardian of `patient`,
     * for them. Caller: a current guardian.
     * @param patient The patient's current account.
     * @param reportId The report, or zero for everything shared with `reader`.
     * @param reader The reader.
     */
    function revokeAccessAsGuardian(address patient, bytes32 reportId, address reader) external whenNotPaused {
        address record = _guardedRecord(patient);
        if (reportId == bytes32(0)) _revokeAll(record, patient, reader);
        else _revoke(record, patient, reportId, reader);
    }

    /**
     * @notice {grantAccessBatch} signed by the patient, submitted by anyone.
     * @param patient The patient, who signed a {GRANT_ACCESS_TYPEHASH} message at their nonce.
     * @param grant See {Grant}.
     * @param deadline Last valid UNIX time of the signature.
     * @param signature The patient's 65-byte ECDSA signature.
     */
    function grantAccessBySig(
        address patient,
        Grant calldata grant,
        uint256 deadline,
        bytes calldata signature
    ) external whenNotPaused {
        bytes32 structHash = keccak256(
            abi.encode(
                GRANT_ACCESS_TYPEHASH,
                patient,
                grant.reader,
                keccak256(abi.encodePacked(grant.reportIds)),
                _hashBytesArray(grant.wrappedKeys),
                grant.expiresAt,
                _useNonce(patient),
                deadline
            )
        );
        _checkSignature(patient, structHash, deadline, signature);
        _grantBatch(_recordOf(patient), patient, grant);
    }

    /**
     * @notice Revokes `reader`'s access to report `reportId`. Caller: the report's patient.
     * @param reportId The report.
     * @param reader A reader with a grant in the current epoch.
     */
    function revokeAccess(bytes32 reportId, address reader) external whenNotPaused {
        _revoke(_recordOf(msg.sender), msg.sender, reportId, reader);
    }

    /**
     * @notice {revokeAccess} signed by the patient, submitted by anyone; with `reportId` zero,
     * {revokeAllAccess} (everything the patient shares with `reader`).
     * @param patient The patient, who signed a {REVOKE_ACCESS_TYPEHASH} message at their nonce.
     * @param reportId The report, or zero for all.
     * @param reader A reader with a grant in the current epoch (any account for all).
     * @param deadline Last valid UNIX time of the signature.
     * @param signature The patient's 65-byte ECDSA signature.
     */
    function revokeAccessBySig(
        address patient,
        bytes32 reportId,
        address reader,
        uint256 deadline,
        bytes calldata signature
    ) external whenNotPaused {
        bytes32 structHash = keccak256(
            abi.encode(REVOKE_ACCESS_TYPEHASH, patient, reader, reportId, _useNonce(patient), deadline)
        );
        _checkSignature(patient, structHash, deadline, signature);
        if (reportId == bytes32(0)) _revokeAll(_patientRecord(patient), patient, reader);
        else _revoke(_recordOf(patient), patient, reportId, reader);
    }

    /**
     * @notice Revokes everything the caller shared with `reader`, in O(1). Caller: a patient.
     * @param reader Any account.
     */
    function revokeAllAccess(address reader) external whenNotPaused {
        _revokeAll(_patientRecord(msg.sender), msg.sender, reader);
    }

    /**
     * @notice The state of `reader`'s grant on `reportId`, and when it expires.
     * @param reportId Any report id.
     * @param reader Any account.
     * @return status {GrantStatus}; `None` for an unknown report.
     * @return expiresAt Expiry of the terms between the report's patient and `reader` (0 = none).
     */
    function grantOf(bytes32 reportId, address reader) public view returns (GrantStatus status, uint40 expiresAt) {
        (uint32 careId, uint24 seq) = _reportSlot(reportId);
        if (careId == 0) return (GrantStatus.None, 0);
        Terms memory terms = _terms[_care(careId).patient][reader];
        if (_grantBits[_grantWord(careId, reader, terms.epoch, seq)] & _grantBit(seq) == 0) {
            return (GrantStatus.None, terms.expiresAt);
        }
        status = _expired(terms) ? GrantStatus.Expired : GrantStatus.Active;
        expiresAt = terms.expiresAt;
    }

    /**
     * @notice Whether `reader` may open report `reportId`: its issuing doctor, a current grantee, a
     * doctor with emergency access to its patient, and — once released, if it was held for review —
     * its patient's current account or a current guardian.
     * @param reportId A registered report; reverts with {UnknownReport} otherwise.
     * @param reader Any account.
     * @return True if allowed.
     */
    function canRead(bytes32 reportId, address reader) public view returns (bool) {
        Care storage parties = _reportParties(reportId);
        address record = parties.patient;
        if (reader == parties.doctor || _hasActiveGrant(reportId, reader) || _hasEmergencyAccess(record, reader)) {
            return true;
        }
        if (_releaseTime(reportId) != 0) return false;
        return patientRecordOf(reader) == record || _isGuardian(record, reader);
    }

    /// @dev Whether `reader` holds a current, unexpired grant on the registered report `reportId`.
    function _hasActiveGrant(bytes32 reportId, address reader) internal view returns (bool) {
        (GrantStatus status, ) = grantOf(reportId, reader);
        return status == GrantStatus.Active;
    }

    /// @dev The record of `account`, which must hold the patient role ({AccessControlUnauthorizedAccount} otherwise).
    function _patientRecord(address account) private view returns (address) {
        _checkRole(PATIENT_ROLE, account);
        return _recordOf(account);
    }

    /// @dev The record of `patient`, of which the caller must be a current guardian; records the attribution.
    function _guardedRecord(address patient) private returns (address record) {
        record = _requirePatient(patient);
        if (!_isGuardian(record, msg.sender)) revert NotGuardian(patient, msg.sender);
        emit ActedAsGuardian(patient, msg.sender, msg.sig);
    }

    function _grantBatch(address record, address patient, Grant calldata grant) private {
        address reader = grant.reader;
        bytes32[] calldata reportIds = grant.reportIds;
        bytes[] calldata wrappedKeys = grant.wrappedKeys;
        uint256 count = reportIds.length;
        if (wrappedKeys.length != count) revert LengthMismatch();
        uint32 epoch = _openTerms(record, patient, reader, true, grant.expiresAt);
        for (uint256 i; i < count;) {
            _grantOne(record, patient, reader, epoch, reportIds[i], wrappedKeys[i]);
            unchecked {
                ++i;
            }
        }
    }

    /**
     * @dev Returns the epoch grants of `patient` to `reader` go into: a new one if the terms
     * expired. With `setExpiry`, the terms' expiry becomes `expiresAt`. Writes the terms (and
     * emits {AccessTermsSet}) only when they change. The reader's published key is not checked:
     * the contract cannot check a wrapped key against it anyway, the patient's client wraps to
     * the key it reads (see {EncryptionKeyRegistry}), and the check would cost a cold read.
     */
    function _openTerms(
        address record,
        address patient,
        address reader,
        bool setExpiry,
        uint40 expiresAt
    ) private returns (uint32) {
        if (reader == patient) revert GrantToSelf();
        Terms storage stored = _terms[record][reader];
        (uint32 epoch, uint40 expiry) = (stored.epoch, stored.expiresAt);
        (uint32 nextEpoch, uint40 nextExpiry) = (epoch, expiry);
        if (expiry != 0 && expiry <= block.timestamp) (nextEpoch, nextExpiry) = (epoch + 1, 0);
        if (setExpiry) {
            if (expiresAt != 0 && expiresAt <= block.timestamp) revert InvalidExpiry(expiresAt);
            nextExpiry = expiresAt;
        }
        if (nextEpoch != epoch || nextExpiry != expiry) {
            (stored.epoch, stored.expiresAt) = (nextEpoch, nextExpiry);
            emit AccessTermsSet(patient, reader, nextEpoch, nextExpiry);
        }
        return nextEpoch;
    }

    function _grantOne(
        address record,
        address patient,
        address reader,
        uint32 epoch,
        bytes32 reportId,
        bytes calldata wrappedKey
    ) private {
        (uint32 careId, uint24 seq) = _requireReportPatient(record, patient, reportId);
        if (wrappedKey.length == 0) revert MissingWrappedKey();
        bytes32 word = _grantWord(careId, reader, epoch, seq);
        uint256 bit = _grantBit(seq);
        uint256 bits = _grantBits[word];
        if (bits & bit != 0) revert AlreadyGranted(reportId, reader);
        _grantBits[word] = bits | bit;
        emit AccessGranted(reportId, patient, reader, wrappedKey);
    }

    function _revoke(address record, address patient, bytes32 reportId, address reader) private {
        (uint32 careId, uint24 seq) = _requireReportPatient(record, patient, reportId);
        bytes32 word = _grantWord(careId, reader, _terms[record][reader].epoch, seq);
        uint256 bit = _grantBit(seq);
        uint256 bits = _grantBits[word];
        if (bits & bit == 0) revert NotGranted(reportId, reader);
        _grantBits[word] = bits & ~bit;
        emit AccessRevoked(reportId, patient, reader);
    }

    function _revokeAll(address record, address patient, address reader) private {
        uint32 epoch = _terms[record][reader].epoch + 1;
        _terms[record][reader] = Terms(epoch, 0);
        emit AllAccessRevoked(patient, reader, epoch);
    }

    function _requireReportPatient(
        address record,
        address account,
        bytes32 reportId
    ) private view returns (uint32 careId, uint24 seq) {
        (careId, seq) = _reportSlot(reportId);
        if (careId == 0) revert UnknownReport(reportId);
        if (_care(careId).patient != record) revert NotReportPatient(reportId, account);
    }

    function _expired(Terms memory terms) private view returns (bool) {
        return terms.expiresAt != 0 && terms.expiresAt <= block.timestamp;
    }

    function _grantWord(uint32 careId, address reader, uint32 epoch, uint24 seq) private pure returns (bytes32) {
        return keccak256(abi.encode(careId, reader, epoch, seq >> 8));
    }

    function _grantBit(uint24 seq) private pure returns (uint256) {
        return 1 << (seq & 255);
    }
}
