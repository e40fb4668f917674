// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessGrants} from "./AccessGrants.sol";

/**
 * @title ReportKeys
 * @notice New versions of a report's encryption, and re-wrapped report keys.
 * @dev "Revoke and re-key": after revoking a reader, the report's patient (or its issuing doctor)
 * re-encrypts the file under a new report key, uploads it (new CID) and records it here with the
 * new key wrapped for the patient, the doctor and each remaining reader; the report's version
 * (O(1) storage) tells clients which ciphertext and which wrapped keys are current. Every listed
 * reader must hold a current grant, so a revoked reader never receives the new key. After an
 * encryption-key rotation, an account publishes the report keys it may read re-wrapped for its
 * new key ({rewrapKeys}): events only, no storage. Both are bounded by their calldata arrays.
 */
abstract contract ReportKeys is AccessGrants {
    /// @notice A new version of a report's encryption, as {rekeyReport} takes it.
    struct Rekey {
        /// The report.
        bytes32 reportId;
        /// Binary CID of the file re-encrypted under the new report key.
        bytes cid;
        /// The new report key wrapped for the patient's encryption key.
        bytes patientKey;
        /// The new report key wrapped for the issuing doctor's encryption key.
        bytes doctorKey;
        /// The new report key wrapped for the records custodian's key; required when the hospital has one.
        bytes custodianKey;
        /// Readers keeping access: each must hold a current grant.
        address[] readers;
        /// The new report key wrapped for each reader, in the same order.
        bytes[] readerKeys;
    }

    /// @notice EIP-712 type of a signed {rekeyReport}.
    bytes32 public constant REKEY_REPORT_TYPEHASH = keccak256(
        "RekeyReport(address account,bytes32 reportId,bytes cid,bytes patientKey,bytes doctorKey,bytes custodianKey,address[] readers,bytes[] readerKeys,uint256 nonce,uint256 deadline)"
    );
    /// @notice `by` recorded version `version` of report `reportId`: ciphertext `cid`, keys for patient and doctor.
    event ReportRekeyed(
        bytes32 indexed reportId,
        address indexed by,
        uint32 version,
        bytes cid,
        bytes patientKey,
        bytes doctorKey,
        bytes custodianKey
    );
    /**
     * @notice The key of version `reportVersion` of report `reportId`, wrapped for `reader`'s
     * encryption key of version `keyVersion`, is `wrappedKey`.
     */
    event ReportKeyRewrapped(
        bytes32 indexed reportId,
        address indexed reader,
        uint32 keyVersion,
        uint32 reportVersion,
        bytes wrappedKey
    );

    /// @notice Only the report's patient or its issuing doctor (`account` is neither) may re-key it.
    error NotReportParty(bytes32 reportId, address account);
    /// @notice `account` may not read report `reportId`.
    error NotReader(bytes32 reportId, address account);
    /// @notice Report `reportId` is held for review: it is re-keyed only once released.
    error ReportHeld(bytes32 reportId);

    /**
     * @notice Records a new version of report `rekey.reportId`. Caller: its patient, or its issuing
     * doctor while an active doctor.
     * @param rekey See {Rekey}.
     */
    function rekeyReport(Rekey calldata rekey) external whenNotPaused {
        _rekey(msg.sender, rekey);
    }

    /**
     * @notice {rekeyReport} signed by the patient (or the issuing doctor), submitted by anyone.
     * @param account The signer, who signed a {REKEY_REPORT_TYPEHASH} message at their nonce.
     * @param rekey See {Rekey}.
     * @param deadline Last valid UNIX time of the signature.
     * @param signature `account`'s 65-byte ECDSA signature.
     */
    function rekeyReportBySig(
        address account,
        Rekey calldata rekey,
        uint256 deadline,
        bytes calldata signature
    ) external whenNotPaused {
        bytes32 structHash = keccak256(
            abi.encode(
                REKEY_REPORT_TYPEHASH,
                account,
                rekey.reportId,
                keccak256(rekey.cid),
                keccak256(rekey.patientKey),
                keccak256(rekey.doctorKey),
                keccak256(rekey.custodianKey),
                keccak256(abi.encodePacked(rekey.readers)),
                _hashBytesArray(rekey.readerKeys),
                _useNonce(account),
                deadline
            )
        );
        _checkSignature(account, structHash, deadline, signature);
        _rekey(account, rekey);
    }

    /**
     * @notice Publishes report keys re-wrapped for the caller's current encryption key (after a
     * rotation), one {ReportKeyRewrapped} each. Caller: any account with a key that may read
     * each report ({canRead}).
     * @param reportIds The reports.
     * @param wrappedKeys Each report's current key wrapped for the caller's current encryption key.
     */
    function rewrapKeys(bytes32[] calldata reportIds, bytes[] calldata wrappedKeys) external whenNotPaused {
        _rewrap(msg.sender, reportIds, wrappedKeys);
    }

    function _rekey(address account, Rekey calldata rekey) private {
        bytes32 reportId = rekey.reportId;
        Care storage parties = _reportParties(reportId);
        if (
            patientRecordOf(account) != parties.patient && (account != parties.doctor || !hasRole(DOCTOR_ROLE, account))
        ) {
            revert NotReportParty(reportId, account);
        }
        if (_releaseTime(reportId) != 0) revert ReportHeld(reportId);
        if (rekey.cid.length == 0) revert EmptyCid();
        if (rekey.patientKey.length == 0 || rekey.doctorKey.length == 0) revert MissingWrappedKey();
        if (rekey.custodianKey.length == 0 && _recordsCustodian() != address(0)) revert MissingWrappedKey();
        uint256 count = rekey.readers.length;
        if (rekey.readerKeys.length != count) revert LengthMismatch();
        uint32 version = _nextReportVersion(reportId);
        _emitRekeyed(account, version, rekey);
        for (uint256 i; i < count;) {
            address reader = rekey.readers[i];
            if (!_hasActiveGrant(reportId, reader)) revert NotGranted(reportId, reader);
            _emitRewrapped(reportId, reader, keyVersionOf(reader), version, rekey.readerKeys[i]);
            unchecked {
                ++i;
            }
        }
    }

    function _emitRekeyed(address account, uint32 version, Rekey calldata rekey) private {
        emit ReportRekeyed(
            rekey.reportId,
            account,
            version,
            rekey.cid,
            rekey.patientKey,
            rekey.doctorKey,
            rekey.custodianKey
        );
    }

    /// @dev Publishes each report's current key re-wrapped for `account`'s current key; `account` must be allowed to read each.
    function _rewrap(address account, bytes32[] calldata reportIds, bytes[] calldata wrappedKeys) internal {
        uint32 keyVersion = keyVersionOf(account);
        if (keyVersion == 0) revert NoEncryptionKey(account);
        uint256 count = reportIds.length;
        if (wrappedKeys.length != count) revert LengthMismatch();
        for (uint256 i; i < count;) {
            bytes32 reportId = reportIds[i];
            if (!canRead(reportId, account)) revert NotReader(reportId, account);
            _emitRewrapped(reportId, account, keyVersion, _reportVersion(reportId), wrappedKeys[i]);
            unchecked {
                ++i;
            }
        }
    }

    /// @dev Emits {ReportKeyRewrapped}; the wrapped key must not be empty.
    function _emitRewrapped(
        bytes32 reportId,
        address reader,
        uint32 keyVersion,
        uint32 reportVersion,
        bytes calldata wrappedKey
    ) internal {
        if (wrappedKey.length == 0) revert MissingWrappedKey();
        emit ReportKeyRewrapped(reportId, reader, keyVersion, reportVersion, wrappedKey);
    }
}
