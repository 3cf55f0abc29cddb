import Foundation
import PreferCore

/// One attribute an arena asks its annotators (e.g. `country`) and the
/// values it allows, in the order the form shows them.
public struct AttributeDeclaration: Sendable, Hashable, Codable {
    public var name: String
    public var values: [String]

    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }
}

/// Annotator attributes (issue 12): what an arena asks, what each annotator
/// answered, and what admins set on invites. Answers are keyed by the
/// pseudonymous voter id stored with votes (`StoredVote.voter`: a session
/// pseudonym or `invite:NAME`), never by a cookie or an invite token.
/// `SQLPreferStore` implements it (SQLite and PostgreSQL alike).
public protocol AnnotatorAttributeStore: PreferStore {
    /// The attributes `arena` asks, in order (empty: none).
    func attributeDeclarations(arena: Int64) async throws -> [AttributeDeclaration]
    /// Every arena's declaration, by arena id (arenas asking none are left out).
    func allAttributeDeclarations() async throws -> [Int64: [AttributeDeclaration]]
    /// Replaces `arena`'s declaration. Answers (and invites' values) for an
    /// attribute or value no longer declared are deleted; the others stay.
    func setAttributeDeclarations(arena: Int64, _ declarations: [AttributeDeclaration]) async throws
    /// The fewest annotators a group needs to be shown on its own.
    func minimumGroupSize(arena: Int64) async throws -> Int
    func setMinimumGroupSize(arena: Int64, _ size: Int) async throws

    /// One annotator's answers: attribute → value (nil: prefer not to say).
    func annotatorAttributes(arena: Int64, voter: String) async throws -> [String: String?]
    /// Sets (upserts) some of an annotator's answers; others are kept.
    func setAnnotatorAttributes(arena: Int64, voter: String, _ values: [String: String?]) async throws
    /// Every annotator's given answers (declined ones left out): voter → attribute → value.
    func annotatorAttributes(arena: Int64) async throws -> [String: [String: String]]

    /// Sets the same values on the invites `names` of `arena`.
    func setInviteAttributes(arena: Int64, names: [String], _ values: [String: String]) async throws
    /// The values set on the invite `name`.
    func inviteAttributes(arena: Int64, name: String) async throws -> [String: String]
    /// Copies the invite's values to its annotator (`invite:NAME`) for the
    /// attributes the annotator has not answered; returns how many were copied.
    @discardableResult
    func adoptInviteAttributes(arena: Int64, name: String) async throws -> Int
}
