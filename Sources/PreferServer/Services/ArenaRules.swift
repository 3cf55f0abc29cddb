import Foundation
import PreferCore
import PreferStore

/// The rules of what an arena holds, checked in one place for the API, the
/// pages and the command-line tool (and again by the schema's constraints
/// where a database can state them). Each failure names the field and says
/// what to change. The OpenAPI document states the same limits.
public enum ArenaRules {
    /// Arena names appear in URLs (`/api/arenas/{arena}`, `/arenas/{arena}/vote`):
    /// 1–64 ASCII letters, digits, '-', '_' or '.', and not a plain number
    /// (which would read as an id).
    @discardableResult
    public static func arenaName(_ name: String, field: String = "name") throws -> String {
        guard !name.isEmpty, name.count <= 64,
              name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }),
              Int64(name) == nil else {
            throw PreferError.invalidField(field, "\(field) must be 1–64 letters, digits, '-', '_' or '.', not a plain number (it is used in URLs); got \"\(name.prefix(100))\".")
        }
        return name
    }

    static func description(_ text: String?) throws -> String? {
        if let text, text.count > 10_000 {
            throw PreferError.invalidField("description", "description is limited to 10,000 characters.")
        }
        return text
    }

    static func criteria(_ criteria: [String]) throws -> [String] {
        for name in criteria { try noNul(name, field: "criteria") }
        guard criteria.count <= 20, criteria.allSatisfy({ !$0.isEmpty && $0.count <= 100 }), Set(criteria).count == criteria.count else {
            throw PreferError.invalidField("criteria", "criteria must be at most 20 distinct, non-empty names of up to 100 characters.")
        }
        return criteria
    }

    static func minPlayMs(_ ms: Int?) throws -> Int? {
        if let ms, ms < 0 || ms > 3_600_000 {
            throw PreferError.invalidField("min_play_ms", "min_play_ms must be between 0 and 3600000.")
        }
        return ms
    }

    static func annotationsPerItem(_ k: Int) throws -> Int {
        guard (1...100).contains(k) else {
            throw PreferError.invalidField("annotations_per_item", "annotations_per_item must be between 1 and 100.")
        }
        return k
    }

    /// Names hold no NUL character (U+0000): SQLite's length() stops at it,
    /// and no name needs one.
    static func noNul(_ text: String, field: String) throws {
        if text.utf8.contains(0) {
            throw PreferError.invalidField(field, "\(field) must not contain the NUL character (U+0000).")
        }
    }

    static func contenderName(_ name: String, field: String = "name") throws -> String {
        try noNul(name, field: field)
        guard !name.isEmpty, name.count <= 200 else {
            throw PreferError.invalidField(field, "\(field) must be 1 to 200 characters (a contender's name).")
        }
        return name
    }

    static func promptText(_ text: String, field: String = "text") throws -> String {
        guard !text.isEmpty, text.count <= 100_000 else {
            throw PreferError.invalidField(field, "\(field) must be 1 to 100,000 characters (a prompt's text).")
        }
        return text
    }

    static func category(_ category: String?) throws -> String? {
        if let category { try noNul(category, field: "category") }
        if let category, category.isEmpty || category.count > 100 {
            throw PreferError.invalidField("category", "category must be 1 to 100 characters.")
        }
        return category
    }

    /// An output's content and media: text needs non-empty content, media a
    /// http(s) URL; content at most 1 MB.
    static func output(content: String?, media: Media, url: String?) throws -> (content: String, url: String?) {
        if let url {
            guard url.count <= 2000, let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
                  ["http", "https"].contains(scheme), parsed.host != nil else {
                throw PreferError.invalidField("url", "url must be an absolute http(s) URL of at most 2,000 characters; got \"\(url.prefix(100))\".")
            }
        }
        let content = content ?? ""
        if media == .text && content.isEmpty {
            throw PreferError.invalidField("content", "A text output needs non-empty content.")
        }
        if media != .text && url == nil {
            throw PreferError.invalidField("url", "A \(media.rawValue) output needs a url.")
        }
        guard content.utf8.count <= 1_000_000 else {
            throw PreferError.invalidField("content", "content is limited to 1 MB per output.")
        }
        return (content, url)
    }

    static func inviteNames(_ names: [String]) throws -> [String] {
        guard !names.isEmpty, names.count <= 1000 else {
            throw PreferError.invalidField("names", "names must list 1 to 1000 annotators.")
        }
        for name in names {
            try noNul(name, field: "names")
            if name.isEmpty || name.count > 100 {
                throw PreferError.invalidField("names", "each name must be 1 to 100 characters; got \"\(name.prefix(100))\".")
            }
        }
        guard Set(names).count == names.count else {
            throw PreferError.invalidField("names", "names must be distinct.")
        }
        return names
    }
}
