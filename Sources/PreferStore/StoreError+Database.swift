import AsyncKit
import PostgresNIO
import SQLiteNIO

extension StoreError {
    /// What a database error means to the user, by the database's own error
    /// codes (SQLite's extended result codes, PostgreSQL's SQLSTATE and
    /// constraint name) — never by loosely matching messages. Errors that are
    /// not about the data or the connection (a bug in a query, say) come back
    /// unchanged.
    static func translating(_ error: any Error) -> any Error {
        switch error {
        case let error as StoreError:
            return error
        case let error as SQLiteError:
            return translating(sqlite: error) ?? error
        case let error as PSQLError:
            return translating(postgres: error) ?? error
        case is ConnectionPoolError, is ConnectionPoolTimeoutError:
            return StoreError.unavailable(
                "No database connection was free in time (\(error)); the database is overloaded or shut down.")
        default:
            return error
        }
    }

    /// Whether `error` is a transient conflict between transactions (a
    /// PostgreSQL deadlock or serialization failure) that a retry resolves.
    static func isRetryable(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == PostgresError.Code.deadlockDetected.raw || state == PostgresError.Code.serializationFailure.raw
    }

    private static func translating(sqlite error: SQLiteError) -> StoreError? {
        switch error.reason {
        case .constraintUniqueFailed, .constraintPrimaryKeyFailed:
            // "UNIQUE constraint failed: contenders.arena_id, contenders.name"
            let columns = error.message.split(separator: ": ", maxSplits: 1).last.map(String.init) ?? ""
            return SchemaConstraint.unique(sqliteColumns: columns)?.error
                ?? .duplicate("A row with the same \(columns)", field: columns)
        case .constraintCheckFailed:
            // "CHECK constraint failed: votes_distinct_sides_check"
            let name = error.message.split(separator: ": ", maxSplits: 1).last.map(String.init) ?? ""
            return SchemaConstraint.named(name)?.error ?? .invalid("A value breaks the rule \(name).")
        case .constraintForeignKeyFailed:
            return .notFound("A referenced arena, contender or prompt")
        case .constraintNotNullFailed:
            let column = error.message.split(separator: ": ", maxSplits: 1).last.map(String.init) ?? "a column"
            return .invalid("\(column) needs a value.")
        case .busy, .busyTimeout, .busyInRecovery, .busyInSnapshot, .locked, .lockedBySharedCache:
            return .busy(
                "The SQLite database is locked by another process for over 5 s (\(error.message)); try again.")
        case .readOnly, .readonlyInRecovery, .readonlyCantLock, .readonlyInRollback, .readonlyBackingMoved,
            .readonlyDirectory:
            return .unavailable(
                "The SQLite database is read-only (\(error.message)); check the permissions of the file and its directory.")
        case .cantOpen, .cantOpenDirectory, .cantOpenInvalidPath, .cantOpenUnfollowedSymlink:
            return .unavailable(
                "Cannot open the SQLite database (\(error.message)); check that its directory exists and is writable.")
        case .full:
            return .unavailable("The disk holding the SQLite database is full; free some space.")
        case .notADatabase, .corrupt:
            return .unavailable("The file is not a usable SQLite database (\(error.message)); check the path.")
        default:
            return nil
        }
    }

    private static func translating(postgres error: PSQLError) -> StoreError? {
        guard let info = error.serverInfo, let state = info[.sqlState] else {
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .sslUnsupported,
                .failedToAddSSLHandler, .uncleanShutdown, .poolClosed:
                return .unavailable(
                    "Lost or could not open the connection to PostgreSQL (\(error.code)); check that the server is up.")
            default:
                return nil
            }
        }
        let constraint = info[.constraintName].flatMap(SchemaConstraint.named)
        switch state {
        case PostgresError.Code.uniqueViolation.raw:
            return constraint?.error ?? .duplicate("A row with the same values", field: info[.constraintName] ?? "value")
        case PostgresError.Code.checkViolation.raw:
            return constraint?.error ?? .invalid("A value breaks the rule \(info[.constraintName] ?? "?").")
        case PostgresError.Code.foreignKeyViolation.raw:
            return .notFound(Self.referenced(byConstraint: info[.constraintName]))
        case PostgresError.Code.notNullViolation.raw:
            return .invalid("\(info[.columnName] ?? "A column") needs a value.", field: info[.columnName])
        case PostgresError.Code.invalidTextRepresentation.raw, PostgresError.Code.characterNotInRepertoire.raw,
            PostgresError.Code.untranslatableCharacter.raw:
            return .invalid(
                "PostgreSQL cannot store a text value (\(info[.message] ?? state)); remove NUL characters.")
        case PostgresError.Code.tooManyConnections.raw, PostgresError.Code.cannotConnectNow.raw,
            PostgresError.Code.adminShutdown.raw, PostgresError.Code.crashShutdown.raw:
            return .unavailable("PostgreSQL refused the work (\(info[.message] ?? state)); try again later.")
        case PostgresError.Code.invalidPassword.raw, PostgresError.Code.invalidAuthorizationSpecification.raw:
            return .unavailable("PostgreSQL refused the login (\(info[.message] ?? state)); check the user and password.")
        case PostgresError.Code.invalidCatalogName.raw:
            return .unavailable("PostgreSQL has no such database (\(info[.message] ?? state)); create it first.")
        default:
            return nil
        }
    }

    /// What a foreign key constraint refers to, for "… does not exist".
    private static func referenced(byConstraint name: String?) -> String {
        switch name {
        case let name? where name.contains("prompt"): "The prompt (in this arena)"
        case let name? where name.contains("contender"): "The contender (in this arena)"
        case let name? where name.contains("arena"): "The arena"
        default: "A referenced arena, contender or prompt"
        }
    }
}
