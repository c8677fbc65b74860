internal import CLMDB

/// Everything that can go wrong below the domain: backend failures and on-disk format problems.
public struct StorageError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The storage backend failed: its own error code (meaningful to Storage only) and message.
        case backend(code: Int32, message: String)
        /// The store on disk was written by an incompatible format version.
        case incompatibleFormat(found: String, expected: String)
        /// A value read back from the store could not be decoded.
        case corruptRecord
        /// A blob was used after it was finished, or its chunks are missing.
        case invalidBlob
        /// The environment was closed (a background task outlived the server).
        case closed
    }

    public let kind: Kind
    public let operation: String

    public init(_ kind: Kind, operation: String) {
        self.kind = kind
        self.operation = operation
    }

    public var description: String {
        switch kind {
        case .backend(let code, let message):
            return "storage: \(operation) failed: \(message) (\(code))"
        case .incompatibleFormat(let found, let expected):
            return "storage: the store was written with format \(found), this build reads format \(expected)"
        case .corruptRecord:
            return "storage: \(operation): a record could not be decoded"
        case .invalidBlob:
            return "storage: \(operation): the blob is missing or already finished"
        case .closed:
            return "storage: \(operation): the store is closed"
        }
    }

    /// An LMDB return code or errno, with the message LMDB gives it.
    static func backend(_ code: Int32, operation: String) -> StorageError {
        StorageError(.backend(code: code, message: String(cString: mdb_strerror(code))), operation: operation)
    }

    var backendCode: Int32? {
        if case .backend(let code, _) = kind { return code }
        return nil
    }

    /// True when the write ran out of map space; the writer grows the map and retries.
    var isMapFull: Bool { backendCode == MDB_MAP_FULL }
    var isMapResized: Bool { backendCode == MDB_MAP_RESIZED }
}

/// Turns an LMDB return code into a thrown `StorageError`.
@inline(__always)
func check(_ code: Int32, _ operation: @autoclosure () -> String) throws {
    if code != 0 { throw StorageError.backend(code, operation: operation()) }
}
