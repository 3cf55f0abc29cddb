import Foundation
import PostgresKit

/// Where a store lives, parsed from the URL or path a user gives.
///
/// Accepted forms:
/// - a file path (`prefer.sqlite`, `/var/lib/prefer/prefer.sqlite`): SQLite;
/// - `sqlite:///absolute/path.sqlite` or `sqlite://relative/path.sqlite`: SQLite;
/// - `:memory:` (or `sqlite::memory:`): a private in-memory SQLite database;
/// - `postgres://user:password@host:port/database` or `postgresql://…`:
///   PostgreSQL (`?sslmode=disable|prefer|require` as postgres-kit reads it).
public enum StoreLocation: Sendable, Equatable {
    case sqliteFile(path: String)
    case sqliteMemory
    case postgres(url: String)

    /// The forms `init(parsing:)` accepts, for error messages.
    public static let acceptedForms =
        "a file path, sqlite:///absolute/path.sqlite, sqlite://relative/path.sqlite, :memory:, "
        + "or postgres://user:password@host:port/database (postgresql:// also works)"

    /// Reads a location; a bad one is a `StoreError` naming the accepted forms.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            throw StoreError.invalid("The database location is empty; give \(Self.acceptedForms).", field: "url")
        }
        if trimmed == ":memory:" || trimmed == "sqlite::memory:" || trimmed == "sqlite://:memory:" {
            self = .sqliteMemory
            return
        }
        let lowered = trimmed.lowercased()
        if lowered.hasPrefix("sqlite://") {
            let rest = String(trimmed.dropFirst("sqlite://".count))
            let path = rest.removingPercentEncoding ?? rest
            guard !path.isEmpty, path != "/" else {
                throw StoreError.invalid(
                    "\"\(text)\" names no SQLite file; give \(Self.acceptedForms).", field: "url")
            }
            self = .sqliteFile(path: path)
            return
        }
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            do {
                _ = try SQLPostgresConfiguration(url: trimmed)
            } catch {
                throw StoreError.invalid(
                    "\"\(Self.redacted(trimmed))\" is not a usable PostgreSQL URL (it needs a user and a host); "
                        + "give \(Self.acceptedForms).",
                    field: "url")
            }
            self = .postgres(url: trimmed)
            return
        }
        if let scheme = trimmed.range(of: "://") {
            let name = trimmed[..<scheme.lowerBound]
            throw StoreError.invalid(
                "Unknown database scheme \"\(name)\" in \"\(Self.redacted(trimmed))\"; give \(Self.acceptedForms).",
                field: "url")
        }
        self = .sqliteFile(path: trimmed)
    }

    /// The location with any password replaced by `***`, fit for logs and errors.
    public var redactedDescription: String {
        switch self {
        case .sqliteFile(let path): path
        case .sqliteMemory: ":memory:"
        case .postgres(let url): Self.redacted(url)
        }
    }

    /// `url` with the password part of its user info replaced by `***`.
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}
